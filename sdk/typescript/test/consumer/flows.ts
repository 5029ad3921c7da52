// What a frontend team writes against the installed package (`npm install accountd-sdk-<v>.tgz`):
// sign up and log in through each vendor's client. Imports only the package's public entry
// points, so it compiles and runs only if the tarball is a working package.
// scripts/sdk-consumer.sh compiles it with tsc (run by plain node) and bundles it with Vite.
import { createAkanaClient } from "@accountd/sdk/akana";
import { createPaywayClient } from "@accountd/sdk/payway";
import { createRixlClient } from "@accountd/sdk/rixl";
import { createWebshareClient, type WebshareSchemas } from "@accountd/sdk/webshare";

/** A seeded member of an organisation with an API client (Payway and Akana have no sign-up). */
export interface Seed {
  org: string;
  email: string;
  password: string;
  clientId: string;
  clientSecret: string;
}

const password = "Consumer-Passphrase-42!";

function check(step: string, ok: boolean, got: unknown): void {
  if (!ok) throw new Error(`${step}: unexpected answer ${JSON.stringify(got)}`);
}

export async function runFlows(baseUrl: string, seed: Seed, tag: string): Promise<string[]> {
  const done: string[] = [];

  const webshare = createWebshareClient({ baseUrl });
  const wsEmail = `consumer-ws-${tag}@example.com`;
  const reg = await webshare.POST("/api/v2/register/", {
    body: { email: wsEmail, password, recaptcha: "consumer", tos_accepted: true },
  });
  const created: WebshareSchemas["WebshareRegistration"] | undefined = reg.data;
  check("webshare register", reg.response.status === 201 && created?.logged_in_existing_user === false, reg.error ?? reg.data);
  const wsLogin = await webshare.POST("/api/v2/login/", { body: { email: wsEmail, password, recaptcha: "consumer" } });
  check("webshare login", wsLogin.response.status === 200 && !!wsLogin.data?.token, wsLogin.error);
  done.push("webshare register 201 + login 200");

  const rixl = createRixlClient({ baseUrl });
  const rxEmail = `consumer-rx-${tag}@example.com`;
  const rxReg = await rixl.POST("/auth/v1/register", { body: { email: rxEmail, password } });
  check("rixl register", rxReg.response.status === 200 && !!rxReg.data?.verification_id && !!rxReg.data.user_id, rxReg.error);
  const rxLogin = await rixl.POST("/auth/v1/login", { body: { email: rxEmail, password } });
  check("rixl login", rxLogin.response.status === 200 && !!rxLogin.data?.access_token, rxLogin.error);
  done.push("rixl register 200 + login 200");

  const payway = createPaywayClient({ baseUrl });
  const token = await payway.POST("/api/authorization/access_token", {
    body: {
      grant_type: "password", client_id: seed.clientId, client_secret: seed.clientSecret,
      username: `${seed.org}^${seed.email}`, password: seed.password, scope: "/external/me/r",
    },
    bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  check("payway password grant", token.response.status === 200 && !!token.data?.access_token, token.error);
  const me = await payway.GET("/external/api/v1/me", { headers: { Authorization: `Bearer ${token.data?.access_token}` } });
  check("payway me", me.data?.item.email === seed.email, me.error ?? me.data);
  done.push("payway password grant 200 + me 200");

  const akana = createAkanaClient({ baseUrl });
  const login = await akana.POST("/api/login", { body: { email: seed.email, password: seed.password } });
  check("akana login", login.response.status === 200 && login.data?.loginState === "LoggedIn", login.error ?? login.data);
  const cookies = login.response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  check("akana cookies", cookies.includes("AtmoAuthToken_") && cookies.includes("Csrf-Token_"), cookies);
  const status = await akana.GET("/api/login/status", { headers: { Cookie: cookies } });
  check("akana login status", status.data?.loginState === "LoggedIn", status.data);
  done.push("akana login 200 (cookies) + status LoggedIn");
  return done;
}
