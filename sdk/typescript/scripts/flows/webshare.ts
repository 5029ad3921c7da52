// Webshare: register -> activation status -> log in -> log out (no mail needed).
import { createWebshareClient } from "../../src/webshare.js";
import { expectStatus, flowPassword, prismChecked, unique } from "./check.js";

export async function webshareFlow(baseUrl: string): Promise<string[]> {
  const api = createWebshareClient({ baseUrl });
  api.use(prismChecked);
  const email = `${unique("sdk-webshare")}@example.com`;
  const registered = expectStatus("register", await api.POST("/api/v2/register/", {
    body: { email, password: flowPassword, recaptcha: recaptcha(), tos_accepted: true, marketing_email_accepted: false },
  }), 201);
  const first = registered.data?.token;
  if (!first || registered.data?.logged_in_existing_user !== false) {
    throw new Error(`register: want a new account and a token, got ${JSON.stringify(registered.data)}`);
  }
  const auth = (token: string) => ({ headers: { Authorization: `Token ${token}` } });
  const status = expectStatus("activation status", await api.GET("/api/v2/activation/", auth(first)), 200);
  if (status.data?.email_is_verified !== false) {
    throw new Error(`activation status: want not activated, got ${JSON.stringify(status.data)}`);
  }
  const login = expectStatus("login", await api.POST("/api/v2/login/", {
    body: { email, password: flowPassword, recaptcha: recaptcha() },
  }), 200);
  const token = login.data?.token;
  if (!token) throw new Error("login: no token");
  expectStatus("logout", await api.POST("/api/v2/logout/", auth(token)), 204);
  expectStatus("activation status after logout", await api.GET("/api/v2/activation/", auth(token)), 401);
  return ["register 201", "activation 200", "login 200", "logout 204", "logged-out token 401"];
}

/** A deployment that checks reCAPTCHA needs a token its verifier accepts (ACCOUNTD_FLOW_RECAPTCHA). */
function recaptcha(): string {
  return process.env.ACCOUNTD_FLOW_RECAPTCHA ?? "contract-run";
}
