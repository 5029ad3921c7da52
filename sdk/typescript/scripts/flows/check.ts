// Shared by the per-vendor flows: one step's expected status, and addresses no run reuses.
import { randomBytes } from "node:crypto";

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
