// The mock against the real server (`make consumers` runs it): the same requests go to both, and
// what a frontend reads must agree: the status, the body's top-level keys (and the values a
// frontend branches on), and the headers it reads (media type, cookie names, Cache-Control,
// WWW-Authenticate, Retry-After). One success and one error per vendor, plus Akana's login
// status with and without the session cookie.
//
//   node scripts/mock-check.mjs SERVER_URL MOCK_URL     (the seed in ACCOUNTD_FLOW_*)
const [server, mock] = process.argv.slice(2);
if (!server || !mock) {
  console.error("usage: node scripts/mock-check.mjs SERVER_URL MOCK_URL");
  process.exit(2);
}
const seed = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const tag = Date.now().toString(36);
const json = (body) => ({ headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
const form = (body) => ({ headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(body).toString() });

// Each case: a request (the same to both; `fresh` makes a new address per target), and the
// values that must be equal beside status, keys and headers.
const cases = [
  { name: "Webshare register (new account)", method: "POST", path: "/api/v2/register/",
    init: (t) => json({ email: `mock-ws-${tag}-${t}@example.com`, password: "Mock-Check-Passphrase-42!", recaptcha: "x", tos_accepted: true }),
    values: ["logged_in_existing_user"] },
  { name: "Webshare register (bad body)", method: "POST", path: "/api/v2/register/", init: () => json({ email: "nope" }) },
  { name: "Payway password grant", method: "POST", path: "/api/authorization/access_token",
    init: () => form({ grant_type: "password", client_id: seed("ACCOUNTD_FLOW_CLIENT_ID"), client_secret: seed("ACCOUNTD_FLOW_CLIENT_SECRET"),
      username: `${seed("ACCOUNTD_FLOW_ORG")}^${seed("ACCOUNTD_FLOW_EMAIL")}`, password: seed("ACCOUNTD_FLOW_PASSWORD"), scope: "/external/me/r" }),
    values: ["token_type"] },
  { name: "Payway /me without a token", method: "GET", path: "/external/api/v1/me", init: () => ({}) },
  { name: "Rixl register (new account)", method: "POST", path: "/auth/v1/register",
    init: (t) => json({ email: `mock-rx-${tag}-${t}@example.com`, password: "Mock-Check-Passphrase-42!" }), values: ["code_sent"] },
  { name: "Rixl register (bad body)", method: "POST", path: "/auth/v1/register", init: () => json({ email: "nope" }) },
  { name: "Akana login", method: "POST", path: "/api/login",
    init: () => json({ email: seed("ACCOUNTD_FLOW_EMAIL"), password: seed("ACCOUNTD_FLOW_PASSWORD") }), values: ["loginState"], session: true },
  { name: "Akana login (bad body)", method: "POST", path: "/api/login", init: () => json({ email: "x@example.com" }) },
  { name: "Akana login status without a cookie", method: "GET", path: "/api/login/status", init: () => ({}), values: ["loginState"] },
  { name: "Akana login status with the session cookie", method: "GET", path: "/api/login/status",
    init: (_t, cookie) => ({ headers: { Cookie: cookie } }), values: ["loginState"] },
];

const mediaType = (h) => (h.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
const cookieNames = (h) => h.getSetCookie().flatMap((c) => c.split(/,\s*(?=[!#$%&'*+\-.^_`|~0-9A-Za-z]+=)/)).map((c) => c.split("=")[0].trim()).sort();

async function observe(base, c, t, cookie) {
  const res = await fetch(base + c.path, { method: c.method, ...c.init(t, cookie) });
  const text = await res.text();
  let body = {};
  try { body = text ? JSON.parse(text) : {}; } catch { body = { "(not JSON)": text.slice(0, 80) }; }
  const h = res.headers;
  const seen = {
    status: res.status,
    keys: Object.keys(body).sort().join(","),
    "content-type": mediaType(h),
    "set-cookie names": cookieNames(h).join(","),
    "cache-control": h.get("cache-control") ?? "",
    "www-authenticate": h.has("www-authenticate") ? "present" : "",
    "retry-after": h.has("retry-after") ? "present" : "",
  };
  for (const v of c.values ?? []) seen[`body.${v}`] = JSON.stringify(body[v]);
  const session = cookieNames(h).length ? h.getSetCookie().flatMap((l) => l.split(/,\s*(?=[!#$%&'*+\-.^_`|~0-9A-Za-z]+=)/)).map((l) => l.split(";")[0]).join("; ") : "";
  return { seen, session };
}

let failed = 0;
const cookies = { server: "", mock: "" };
for (const c of cases) {
  const real = await observe(server, c, "server", cookies.server);
  const fake = await observe(mock, c, "mock", cookies.mock);
  if (c.session) Object.assign(cookies, { server: real.session, mock: fake.session });
  const diffs = Object.keys(real.seen).filter((k) => real.seen[k] !== fake.seen[k]);
  if (diffs.length) {
    failed++;
    console.error(`mock-check: ${c.name}: FAILED:`);
    for (const k of diffs) console.error(`  ${k}: server ${JSON.stringify(real.seen[k])}, mock ${JSON.stringify(fake.seen[k])}`);
  } else {
    console.log(`mock-check: ${c.name}: same (${real.seen.status}, keys ${real.seen.keys || "none"})`);
  }
}
console.log(`mock-check: ${cases.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
