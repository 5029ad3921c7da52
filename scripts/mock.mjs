// `make mock`: Prism's mock server (`prism mock openapi.yaml`, pinned in package.json) behind a
// small proxy that makes it answer what a frontend gets from the real server where Prism alone
// cannot (README, "Mock for frontends"):
//   - x-mock-prefer on an operation is the answer to give unless the request says otherwise
//     with its own Prefer header (`code=201` for register: Prism alone takes the lowest 2xx);
//   - x-mock-prefer-signed-in is used instead when the request carries a credential of one of
//     the operation's security schemes (Akana's login status: LoggedOut without the session
//     cookie, LoggedIn with it);
//   - several cookies in one Set-Cookie example are sent as separate Set-Cookie headers, as the
//     server sends them;
//   - a request that breaks the spec gets the status Prism picks and, in the body, the reasons
//     (Prism's sl-violations) in the operation's vendor's error shape, not a canned example.
//
//   node scripts/mock.mjs [--port 4010] [--spec openapi.yaml]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const args = Object.fromEntries(process.argv.slice(2).join(" ").split(/\s*--/).filter(Boolean).map((a) => a.split(/\s+/)));
const port = Number(args.port ?? process.env.MOCK_PORT ?? 4010);
const specPath = args.spec ?? "openapi.yaml";
const doc = parse(readFileSync(specPath, "utf8"));
const schemes = doc.components?.securitySchemes ?? {};

/** The operations, each with a matcher for its path template. */
const operations = [];
for (const [path, item] of Object.entries(doc.paths)) {
  const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`);
  for (const [method, op] of Object.entries(item)) {
    if (typeof op !== "object" || !op.operationId) continue;
    const security = (op.security ?? doc.security ?? []).flatMap((req) => Object.keys(req));
    operations.push({ method: method.toUpperCase(), pattern, op, security });
  }
}

function findOperation(method, pathname) {
  const m = method === "HEAD" ? "GET" : method;
  return operations.find((o) => o.method === m && o.pattern.test(pathname));
}

/** Whether the request carries a credential of one of the named security schemes. */
function hasCredential(req, names) {
  const cookies = req.headers.cookie ?? "";
  return names.some((name) => {
    const s = schemes[name];
    if (!s) return false;
    if (s.type === "apiKey" && s.in === "cookie") return cookies.split(/;\s*/).some((c) => c.startsWith(`${s.name}=`));
    if (s.type === "apiKey" && s.in === "header") return Boolean(req.headers[s.name.toLowerCase()]);
    if (s.type === "http" || s.type === "oauth2") return Boolean(req.headers.authorization);
    return false;
  });
}

/** The reasons Prism found, worded in the body of the operation's vendor (its tag). */
function explain(tag, violations) {
  // A missing property is reported on the body, with its name only in the message.
  const field = (v) => (v.location.length > 2 ? v.location.slice(2).join(".") : (/required property '([^']+)'/.exec(v.message)?.[1] ?? ""));
  const messages = violations.map((v) => v.message);
  switch (tag) {
    case "Webshare": {
      const body = {};
      for (const v of violations) (body[field(v) || "non_field_errors"] ??= []).push(v.message);
      return body;
    }
    case "Payway":
      return { code: "invalid_parameter", field: field(violations[0]) || undefined, message: messages.join("; ") };
    case "Rixl":
      return { code: 400, details: messages.join("; "), error: "Invalid request" };
    case "Akana":
      return { code: 400, message: messages.join("; ") };
    default:
      return { detail: messages.join("; ") };
  }
}

/** Splits "a=1; Path=/, b=2; Path=/" at commas followed by a cookie name (not inside Expires). */
function splitCookies(values) {
  return [values].flat().flatMap((v) => v.split(/,\s*(?=[!#$%&'*+\-.^_`|~0-9A-Za-z]+=)/));
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port: p } = s.address();
      s.close(() => resolve(p));
    });
  });
}

const prismPort = await freePort();
const prismBin = fileURLToPath(new URL("../node_modules/.bin/prism", import.meta.url));
const prism = spawn(prismBin, ["mock", specPath, "--host", "127.0.0.1", "--port", String(prismPort)], {
  stdio: ["ignore", "inherit", "inherit"],
});
prism.on("exit", (code) => {
  console.error(`mock: Prism exited (${code})`);
  process.exit(1);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    prism.kill("SIGTERM");
    process.exit(0);
  });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://mock");
  const found = findOperation(req.method, url.pathname);
  const headers = { ...req.headers, host: `127.0.0.1:${prismPort}` };
  if (found && !req.headers.prefer) {
    const signedIn = found.op["x-mock-prefer-signed-in"];
    const prefer = signedIn && hasCredential(req, found.security) ? signedIn : found.op["x-mock-prefer"];
    if (prefer) headers.prefer = prefer;
  }
  const upstream = http.request({ host: "127.0.0.1", port: prismPort, method: req.method, path: req.url, headers }, (up) => {
    const chunks = [];
    up.on("data", (c) => chunks.push(c));
    up.on("end", () => {
      let body = Buffer.concat(chunks);
      const out = { ...up.headers };
      if (out["set-cookie"]) out["set-cookie"] = splitCookies(out["set-cookie"]);
      const violations = JSON.parse(String(up.headers["sl-violations"] ?? "[]")).filter((v) => v.location?.[0] === "request");
      if (found && up.statusCode >= 400 && up.statusCode < 500 && up.statusCode !== 401 && violations.length > 0) {
        body = Buffer.from(JSON.stringify(explain(found.op.tags?.[0], violations)));
        out["content-type"] = "application/json";
      }
      out["content-length"] = String(body.length);
      delete out["transfer-encoding"];
      res.writeHead(up.statusCode ?? 502, out);
      res.end(body);
    });
  });
  upstream.on("error", (err) => {
    res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ detail: `mock: Prism is not answering yet (${err.message})` }));
  });
  req.pipe(upstream);
});

// Ready when Prism answers; only then listen, so a caller that waits for the port waits for Prism.
for (let i = 0; ; i++) {
  const ok = await new Promise((resolve) => {
    const r = http.get({ host: "127.0.0.1", port: prismPort, path: "/healthz" }, (res) => {
      res.resume();
      resolve(true);
    });
    r.on("error", () => resolve(false));
  });
  if (ok) break;
  if (i > 600) {
    console.error("mock: Prism did not start within 60 s");
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 100));
}
server.listen(port, "127.0.0.1", () => console.log(`mock: http://127.0.0.1:${port} (Prism mock of ${specPath}, steered by its x-mock-* extensions)`));
