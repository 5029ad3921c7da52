// Payway: user token (password grant) -> /me -> refresh -> /me with the new token -> the spent
// refresh token presented again revokes the session -> its access token is refused. Needs a
// seeded organisation, member account and API client (ACCOUNTD_FLOW_*; the contract run makes
// them with `accountd orgs/users/clients create`). Repeatable: it changes nothing durable.
import { createPaywayClient } from "../../src/payway.js";
import { expectStatus, prismChecked, seed } from "./check.js";

export async function paywayFlow(baseUrl: string): Promise<string[]> {
  const api = createPaywayClient({ baseUrl });
  api.use(prismChecked);
  const client = { client_id: seed("ACCOUNTD_FLOW_CLIENT_ID"), client_secret: seed("ACCOUNTD_FLOW_CLIENT_SECRET") };
  const email = seed("ACCOUNTD_FLOW_EMAIL");
  const form = {
    bodySerializer: (body: Record<string, string>) => new URLSearchParams(body).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  };
  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

  const login = expectStatus("password grant", await api.POST("/api/authorization/access_token", {
    body: {
      grant_type: "password", ...client, username: `${seed("ACCOUNTD_FLOW_ORG")}^${email}`,
      password: seed("ACCOUNTD_FLOW_PASSWORD"), scope: "/external/me/r /external/me/w",
    },
    ...form,
  }), 200);
  const first = login.data;
  if (!first?.refresh_token) throw new Error("password grant: no refresh token");
  const me = expectStatus("GET /me", await api.GET("/external/api/v1/me", bearer(first.access_token)), 200);
  if (me.data?.item.email !== email) throw new Error(`GET /me: want ${email}, got ${JSON.stringify(me.data)}`);

  const refreshed = expectStatus("refresh grant", await api.POST("/api/authorization/access_token", {
    body: { grant_type: "refresh_token", ...client, refresh_token: first.refresh_token },
    ...form,
  }), 200);
  const second = refreshed.data;
  if (!second) throw new Error("refresh grant: no token");
  expectStatus("GET /me with the refreshed token", await api.GET("/external/api/v1/me", bearer(second.access_token)), 200);

  const reused = expectStatus("spent refresh token again", await api.POST("/api/authorization/access_token", {
    body: { grant_type: "refresh_token", ...client, refresh_token: first.refresh_token },
    ...form,
  }), 400);
  if (reused.error?.error !== "invalid_grant") throw new Error(`spent refresh token: want invalid_grant, got ${JSON.stringify(reused.error)}`);
  expectStatus("GET /me after the session was revoked", await api.GET("/external/api/v1/me", bearer(second.access_token)), 401);
  return ["password grant 200", "me 200", "refresh 200", "me 200", "spent refresh 400 invalid_grant", "revoked token 401"];
}
