// Entry point: ACCOUNTD_BASE_URL and the seed (ACCOUNTD_FLOW_*) come from the environment.
import { runFlows } from "./flows.js";

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

const how = process.argv[2] ?? "node";
const lines = await runFlows(env("ACCOUNTD_BASE_URL"), {
  org: env("ACCOUNTD_FLOW_ORG"), email: env("ACCOUNTD_FLOW_EMAIL"), password: env("ACCOUNTD_FLOW_PASSWORD"),
  clientId: env("ACCOUNTD_FLOW_CLIENT_ID"), clientSecret: env("ACCOUNTD_FLOW_CLIENT_SECRET"),
}, `${how}-${Date.now().toString(36)}`);
for (const line of lines) console.log(`consumer (${how}): ${line}`);
