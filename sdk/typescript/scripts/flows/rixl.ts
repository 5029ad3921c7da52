// Rixl: register -> log in (a session; the address is not verified yet) -> current user and
// email status -> refresh (rotating) -> log out -> the session's refresh token is refused;
// then the seeded member: userinfo names its organization. No mail needed.
import { createRixlClient } from "../../src/rixl.js";
import { expectStatus, flowPassword, prismChecked, seed, unique } from "./check.js";

export async function rixlFlow(baseUrl: string): Promise<string[]> {
  const api = createRixlClient({ baseUrl });
  api.use(prismChecked);
  const email = `${unique("sdk-rixl")}@example.com`;
  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

  const reg = expectStatus("register", await api.POST("/auth/v1/register", { body: { email, password: flowPassword } }), 200);
  if (!reg.data?.user_id || !reg.data.verification_id || reg.data.email_verification_sent !== true) {
    throw new Error(`register: want a user id and a verification id, got ${JSON.stringify(reg.data)}`);
  }
  const login = expectStatus("login", await api.POST("/auth/v1/login", { body: { email, password: flowPassword } }), 200);
  const session = login.data;
  if (!session?.session_id || session.status !== "email_not_verified" || session.requires_action !== "verify_email" ||
      typeof session.expires_in !== "number") {
    throw new Error(`login: want a session with email_not_verified, got ${JSON.stringify(session)}`);
  }
  const user = expectStatus("current user", await api.GET("/auth/v1/users/current", bearer(session.access_token)), 200);
  if (user.data?.user_id !== reg.data.user_id || user.data.email !== email || user.data.email_verified !== false) {
    throw new Error(`current user: want ${reg.data.user_id} ${email} unverified, got ${JSON.stringify(user.data)}`);
  }
  const status = expectStatus("email status", await api.GET("/auth/v1/users/current/emails/status", bearer(session.access_token)), 200);
  if (status.data?.email !== email || status.data.verified !== false) {
    throw new Error(`email status: want ${email} unverified, got ${JSON.stringify(status.data)}`);
  }
  const refreshed = expectStatus("refresh", await api.POST("/auth/v1/token", { body: { refresh_token: session.refresh_token } }), 200);
  const tokens = refreshed.data;
  if (!tokens) throw new Error("refresh: no tokens");
  expectStatus("logout", await api.POST("/auth/v1/logout", { body: {}, ...bearer(tokens.access_token) }), 200);
  expectStatus("refresh after logout", await api.POST("/auth/v1/token", { body: { refresh_token: tokens.refresh_token } }), 401);

  // The seeded member of ACCOUNTD_FLOW_ORG: its userinfo names the organization (the org_id of
  // memberships/{org_id}/leave, which this flow does not call: the other flows need the member).
  const member = expectStatus("member login", await api.POST("/auth/v1/login", {
    body: { email: seed("ACCOUNTD_FLOW_EMAIL"), password: seed("ACCOUNTD_FLOW_PASSWORD") },
  }), 200);
  if (!member.data) throw new Error("member login: no tokens");
  const info = expectStatus("userinfo", await api.GET("/auth/v1/userinfo", bearer(member.data.access_token)), 200);
  if (info.data?.active_org_id !== seed("ACCOUNTD_FLOW_ORG") || info.data.email_verified !== true) {
    throw new Error(`userinfo: want active_org_id ${seed("ACCOUNTD_FLOW_ORG")}, got ${JSON.stringify(info.data)}`);
  }
  expectStatus("member logout", await api.POST("/auth/v1/logout", { body: {}, ...bearer(member.data.access_token) }), 200);
  return ["register 200", "login 200 email_not_verified", "current user 200", "email status 200", "refresh 200", "logout 200",
    "refresh after logout 401", "member login 200", "userinfo 200 active_org_id", "member logout 200"];
}
