// One real flow per vendor through the TypeScript SDK, against a live server:
//
//   ACCOUNTD_BASE_URL=http://127.0.0.1:4010 node build/sdk-ts/scripts/flows.js sdk/specs
//
// The contract run (scripts/contract.sh) points ACCOUNTD_BASE_URL at Prism in front of the
// server, so every request and response of the flows is also checked against openapi.yaml.
// Every vendor with a spec in the given folder must have a flow here: a vendor without one
// fails the run, so a new vendor cannot go uncovered.
import { readdirSync } from "node:fs";
import { expectStatus } from "./flows/check.js";
import { akanaFlow } from "./flows/akana.js";
import { paywayFlow } from "./flows/payway.js";
import { rixlFlow } from "./flows/rixl.js";
import { webshareFlow } from "./flows/webshare.js";

type Flow = (baseUrl: string) => Promise<string[]>;

const flows: Record<string, Flow> = {
  webshare: webshareFlow,
  payway: paywayFlow,
  akana: akanaFlow,
  rixl: rixlFlow,
};

async function main(): Promise<number> {
  const baseUrl = (process.env.ACCOUNTD_BASE_URL ?? "").replace(/\/+$/, "");
  const specs = process.argv[2] ?? "sdk/specs";
  if (!baseUrl) {
    console.error("flows: set ACCOUNTD_BASE_URL to the server (or the Prism proxy in front of it)");
    return 2;
  }
  const health = await fetch(`${baseUrl}/healthz`);
  expectStatus("GET /healthz", { response: health }, 200);
  const vendors = readdirSync(specs).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5)).sort();
  let failed = 0;
  for (const vendor of vendors) {
    const flow = flows[vendor];
    if (!flow) {
      console.error(`flow ${vendor}: FAILED: no flow for this vendor in sdk/typescript/scripts/flows.ts`);
      failed++;
      continue;
    }
    try {
      const steps = await flow(baseUrl);
      console.log(`flow ${vendor}: ok (${steps.join(", ")})`);
    } catch (err) {
      console.error(`flow ${vendor}: FAILED: ${err instanceof Error ? err.message : String(err)}`);
      failed++;
    }
  }
  console.log(`${vendors.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
