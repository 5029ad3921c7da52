// Rixl: register -> log in (a session; the address is not verified yet) -> email status ->
// refresh (rotating) -> log out -> the session's refresh token is refused. No mail needed.
import { createRixlClient } from "../../src/rixl.js";
import { expectStatus, flowPassword, prismChecked, unique } from "./check.js";

export async function rixlFlow(baseUrl: string): Promise<string[]> {
  const api = createRixlClient({ baseUrl });
  api.use(prismChecked);
  const email = `${unique("sdk-rixl")}@example.com`;
  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

  expectStatus("register", await api.POST("/auth/v1/register", { body: { email, password: flowPassword } }), 201);
  const login = expectStatus("login", await api.POST("/auth/v1/login", { body: { email, password: flowPassword } }), 200);
  const session = login.data;
  if (!session?.session_id || session.status !== "email_not_verified") {
    throw new Error(`login: want a session with email_not_verified, got ${JSON.stringify(session)}`);
  }
  const status = expectStatus("email status", await api.GET("/auth/v1/users/current/emails/status", bearer(session.tokens.access_token)), 200);
  if (status.data?.email !== email || status.data.verified !== false) {
    throw new Error(`email status: want ${email} unverified, got ${JSON.stringify(status.data)}`);
  }
  const refreshed = expectStatus("refresh", await api.POST("/auth/v1/token", { body: { refresh_token: session.tokens.refresh_token } }), 200);
  const tokens = refreshed.data;
  if (!tokens) throw new Error("refresh: no tokens");
  expectStatus("logout", await api.POST("/auth/v1/logout", bearer(tokens.access_token)), 204);
  expectStatus("refresh after logout", await api.POST("/auth/v1/token", { body: { refresh_token: tokens.refresh_token } }), 401);
  return ["register 201", "login 200 email_not_verified", "email status 200", "refresh 200", "logout 204", "refresh after logout 401"];
}
