// Akana: log in (session and CSRF cookies) -> login status -> renew the session (POST, with the
// CSRF header) -> end the session -> logged out. A cookie session, kept by cookieSession().
// Uses the seeded member account (ACCOUNTD_FLOW_EMAIL/PASSWORD): Akana has no sign-up.
import { createAkanaClient } from "../../src/akana.js";
import { cookieSession, expectStatus, prismChecked, seed } from "./check.js";

export async function akanaFlow(baseUrl: string): Promise<string[]> {
  const api = createAkanaClient({ baseUrl });
  const browser = cookieSession("Csrf-Token", "X-Csrf-Token");
  api.use(prismChecked, browser);
  const email = seed("ACCOUNTD_FLOW_EMAIL");

  const login = expectStatus("login", await api.POST("/api/login", {
    body: { email, password: seed("ACCOUNTD_FLOW_PASSWORD") },
  }), 200);
  if (login.data?.loginState !== "LoggedIn" || !login.data.userFDN) {
    throw new Error(`login: want LoggedIn with a userFDN, got ${JSON.stringify(login.data)}`);
  }
  if (![...browser.cookies.keys()].some((c) => c.startsWith("AtmoAuthToken_"))) {
    throw new Error(`login: no session cookie (got ${[...browser.cookies.keys()].join(", ") || "none"})`);
  }
  const status = expectStatus("login status", await api.GET("/api/login/status", {}), 200);
  if (status.data?.loginState !== "LoggedIn" || status.data.userName !== email) {
    throw new Error(`login status: want ${email} LoggedIn, got ${JSON.stringify(status.data)}`);
  }
  expectStatus("renew the session", await api.POST("/api/login/renewToken", {}), 200);
  expectStatus("end the session", await api.GET("/api/login/endsession", {}), 200);
  const after = expectStatus("login status after", await api.GET("/api/login/status", {}), 200);
  if (after.data?.loginState !== "LoggedOut") {
    throw new Error(`login status after ending the session: want LoggedOut, got ${JSON.stringify(after.data)}`);
  }
  return ["login 200 (cookies)", "status LoggedIn", "renew 200 (CSRF header)", "endsession 200", "status LoggedOut"];
}
