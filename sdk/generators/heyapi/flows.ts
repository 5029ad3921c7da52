// One flow per vendor through the SDK that @hey-api/openapi-ts (its fetch client) generates from
// openapi.yaml: scripts/generators.sh generates it into build/generators/heyapi/client next to
// this file, compiles both with tsc --strict and runs the result with node.
// Webshare and Rixl sign up and log in; Payway (password grant, /me) and Akana (login, the
// login status with its session cookie) use the seeded member, as they have no sign-up.
import { client } from "./client/client.gen";
import {
  akanaGetLoginStatus, akanaLogin, paywayAccessToken, paywayGetMe, rixlEmailServiceLogin, rixlEmailServiceRegister,
  webshareGetActivation, webshareLogin, webshareRegister,
} from "./client/sdk.gen";

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

function check(step: string, ok: boolean, got: unknown): void {
  if (!ok) throw new Error(`${step}: unexpected answer ${JSON.stringify(got)}`);
}

async function main(): Promise<void> {
  client.setConfig({ baseUrl: env("ACCOUNTD_BASE_URL") });
  const tag = Date.now().toString(36);
  const password = "Generator-Passphrase-42!";
  const seedEmail = env("ACCOUNTD_FLOW_EMAIL");
  const seedPassword = env("ACCOUNTD_FLOW_PASSWORD");

  const wsEmail = `hey-ws-${tag}@example.com`;
  const reg = await webshareRegister({ body: { email: wsEmail, password, recaptcha: "hey", tos_accepted: true } });
  check("webshare register", reg.response.status === 201 && reg.data?.logged_in_existing_user === false, reg.error ?? reg.data);
  const login = await webshareLogin({ body: { email: wsEmail, password, recaptcha: "hey" } });
  check("webshare login", login.response.status === 200 && !!login.data?.token, login.error);
  const activation = await webshareGetActivation({ headers: { Authorization: `Token ${login.data?.token}` } });
  check("webshare activation", activation.data?.email_is_verified === false, activation.error ?? activation.data);
  console.log("hey-api webshare: register 201, login 200, activation status 200");

  const rxEmail = `hey-rx-${tag}@example.com`;
  const rxReg = await rixlEmailServiceRegister({ body: { email: rxEmail, password } });
  check("rixl register", rxReg.response.status === 200 && !!rxReg.data?.verification_id && !!rxReg.data.user_id, rxReg.error);
  const rxLogin = await rixlEmailServiceLogin({ body: { email: rxEmail, password } });
  check("rixl login", rxLogin.response.status === 200 && !!rxLogin.data?.access_token, rxLogin.error);
  console.log("hey-api rixl: register 200, login 200");

  const grant = await paywayAccessToken({
    body: {
      grant_type: "password", client_id: env("ACCOUNTD_FLOW_CLIENT_ID"), client_secret: env("ACCOUNTD_FLOW_CLIENT_SECRET"),
      username: `${env("ACCOUNTD_FLOW_ORG")}^${seedEmail}`, password: seedPassword, scope: "/external/me/r",
    },
  });
  check("payway password grant", grant.response.status === 200 && !!grant.data?.access_token, grant.error);
  const me = await paywayGetMe({ headers: { Authorization: `Bearer ${grant.data?.access_token}` } });
  check("payway me", me.data?.item.email === seedEmail, me.error ?? me.data);
  console.log("hey-api payway: password grant 200 (form body), me 200");

  const akLogin = await akanaLogin({ body: { email: seedEmail, password: seedPassword } });
  check("akana login", akLogin.response.status === 200 && akLogin.data?.loginState === "LoggedIn", akLogin.error ?? akLogin.data);
  const cookies = akLogin.response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const status = await akanaGetLoginStatus({ headers: { Cookie: cookies } });
  check("akana login status", status.data?.loginState === "LoggedIn", status.error ?? status.data);
  console.log("hey-api akana: login 200 (cookies), login status LoggedIn");
}

main().catch((err: unknown) => {
  console.error(`hey-api flows: FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
