// Shared by the per-vendor flows: one step's expected status, and addresses no run reuses.
import { randomBytes } from "node:crypto";
import type { Middleware } from "openapi-fetch";

/** What every openapi-fetch call returns: the raw response beside the typed data or error. */
export interface Answer {
  response: Response;
  error?: unknown;
}

/** Fails the flow unless the step answered want; returns the answer for chaining. */
export function expectStatus<A extends Answer>(step: string, answer: A, want: number): A {
  if (answer.response.status !== want) {
    const detail = answer.error === undefined ? "" : ` ${JSON.stringify(answer.error)}`;
    throw new Error(`${step}: want ${want}, got ${answer.response.status}${detail}`);
  }
  return answer;
}

/** A fresh address (or name) per run, so the flows can run again against the same deployment. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString("hex")}`;
}

/** The password every flow registers with: long and uncommon enough for every vendor's rules. */
export const flowPassword = "Contract-run-Passphrase-42!";

/**
 * Fails a step whose exchange Prism (the contract run's proxy) found in breach of openapi.yaml:
 * a violation it only reports in `sl-violations` (an undeclared status), or an answer Prism
 * wrote itself (a response that broke the spec, or a request the SDK built wrongly). Harmless
 * without Prism. Add it to every client with `api.use(prismChecked)`.
 */
export const prismChecked: Middleware = {
  async onResponse({ request, response }) {
    const where = `${request.method} ${new URL(request.url).pathname}`;
    const violations = response.headers.get("sl-violations");
    if (violations) {
      throw new Error(`${where}: Prism: the exchange breaks openapi.yaml: ${violations}`);
    }
    if (response.headers.get("content-type")?.startsWith("application/problem+json")) {
      const problem = (await response.clone().json().catch(() => ({}))) as { type?: unknown; validation?: unknown; detail?: unknown };
      if (typeof problem.type === "string" && problem.type.startsWith("https://stoplight.io/prism/errors#")) {
        throw new Error(`${where}: Prism: ${problem.type.split("#")[1]}: ${JSON.stringify(problem.validation ?? problem.detail)}`);
      }
    }
    return undefined;
  },
};

/** The environment variable name, or a clear failure when the seed is missing. */
export function seed(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: seed the deployment first (README, "QA: the contract run against a deployment")`);
  }
  return value;
}

/**
 * A browser's part for cookie sessions, as a middleware: keeps the cookies the server sets
 * (dropping expired ones) and sends them back; on every request but GET it copies the value of
 * each `<csrfCookie>_<tenant>` cookie into the `<csrfHeader>_<tenant>` header (double-submit CSRF).
 */
export function cookieSession(csrfCookie: string, csrfHeader: string): Middleware & { cookies: Map<string, string> } {
  const cookies = new Map<string, string>();
  return {
    cookies,
    onRequest({ request }) {
      if (cookies.size > 0) {
        request.headers.set("Cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
      }
      if (request.method !== "GET") {
        for (const [name, value] of cookies) {
          if (name.startsWith(`${csrfCookie}_`)) {
            request.headers.set(`${csrfHeader}_${name.slice(csrfCookie.length + 1)}`, value);
          }
        }
      }
      return request;
    },
    onResponse({ response }) {
      for (const line of response.headers.getSetCookie().flatMap(splitMergedCookies)) {
        const [pair = "", ...attrs] = line.split(";");
        const eq = pair.indexOf("=");
        const name = pair.slice(0, eq).trim();
        const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
        if (expired) cookies.delete(name);
        else cookies.set(name, pair.slice(eq + 1).trim());
      }
      return undefined;
    },
  };
}

/**
 * Prism 5.16 joins the Set-Cookie headers of a response into one, with commas; split them again
 * where a comma is followed by a cookie name and "=" (a comma inside Expires is not).
 */
function splitMergedCookies(line: string): string[] {
  return line.split(/,\s*(?=[!#$%&'*+\-.^_`|~0-9A-Za-z]+=)/);
}
