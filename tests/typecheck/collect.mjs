// Collects every JSON shape a running stand-in Spotify emits (each object kind, each scope
// variant, each error) and writes generated/shapes.ts, which assigns each to the types it must
// satisfy. Usage: node collect.mjs http://127.0.0.1:PORT   (run.sh starts the stand-in)
import { mkdirSync, writeFileSync } from "node:fs";

const base = process.argv[2];
const client = { id: "spotauth-demo", secret: "typecheck-secret" };
const redirectUri = "http://127.0.0.1:5000/callback";
const cases = [];

function fail(message) {
  console.error(`typecheck: ${message}`);
  process.exit(1);
}

// One captured body and what it must be: [type, (body) => the part checked] pairs.
function add(name, body, ...checks) {
  cases.push({ name, body, checks: checks.map((c) => (Array.isArray(c) ? c : [c, (b) => b])) });
}

async function send(path, { method = "GET", headers = {}, body } = {}) {
  const response = await fetch(base + path, { method, headers, body, redirect: "manual" });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

async function json(path, expectStatus, options) {
  const response = await send(path, options);
  if (response.status !== expectStatus) {
    fail(`${options?.method ?? "GET"} ${path}: expected ${expectStatus}, got ${response.status}: ${response.text}`);
  }
  try {
    return JSON.parse(response.text);
  } catch {
    return fail(`${path}: not JSON: ${response.text}`);
  }
}

async function control(path, body) {
  await json(`/__control/${path}`, 200, { method: "POST", body: JSON.stringify(body) });
}

const basic = "Basic " + Buffer.from(`${client.id}:${client.secret}`).toString("base64");
const form = (fields) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic },
  body: new URLSearchParams(fields).toString(),
});

// Signs in as demo-user (auto-approve) with `scope`; returns the token response.
async function login(scope) {
  const query = new URLSearchParams({
    client_id: client.id, response_type: "code", redirect_uri: redirectUri, scope, state: "s",
  });
  const authorize = await send(`/authorize?${query}`);
  const location = authorize.headers.get("location") ?? "";
  const code = new URL(location, base).searchParams.get("code");
  if (!code) fail(`/authorize did not redirect with a code: ${authorize.status} ${location}`);
  return json("/api/token", 200, form({
    grant_type: "authorization_code", code, redirect_uri: redirectUri,
  }));
}
const bearer = (token) => ({ headers: { authorization: `Bearer ${token.access_token}` } });

async function collect() {
  // Tokens.
  const playing = await login("user-read-currently-playing");
  add("token: authorization code", playing, "Sdk.AccessToken");
  add("token: refresh", await json("/api/token", 200, form({
    grant_type: "refresh_token", refresh_token: playing.refresh_token,
  })), "AppToken");
  const app = await json("/api/token", 200, form({ grant_type: "client_credentials" }));
  add("token: client credentials", app, "AppToken");

  // /v1/me in each scope variant.
  const publicChecks = ["PublicUser", "Omit<Sdk.User, 'email'>"];
  add("me: no profile scope", await json("/v1/me", 200, bearer(playing)), ...publicChecks);
  const email = await login("user-read-email");
  add("me: user-read-email", await json("/v1/me/", 200, bearer(email)), "PublicUser", "Sdk.User");
  const priv = await login("user-read-private");
  add("me: user-read-private", await json("/v1/me", 200, bearer(priv)), "PublicUser",
      "Omit<Sdk.UserProfile, 'email'>", "Omit<PrivateUser, 'email'>");
  const both = await login("user-read-email user-read-private user-read-currently-playing");
  add("me: user-read-email user-read-private", await json("/v1/me", 200, bearer(both)),
      "PublicUser", "Sdk.UserProfile", "PrivateUser");
  await control("user", { id: "demo-user", display_name: null });
  add("me: display_name null", await json("/v1/me", 200, bearer(both)), "PublicUser");

  // Currently playing: each item kind.
  const now = (query = "") =>
    json(`/v1/me/player/currently-playing${query}`, 200, bearer(both));
  const playingChecks = ["SpotifyApi.CurrentPlaybackResponse", ["Sdk.Device", (b) => b.device]];
  await control("user", { id: "demo-user", playing: {
    type: "track", name: "Windowlicker", artists: ["Aphex Twin", "Guest"], album: "Windowlicker",
    image_url: "https://i.scdn.co/image/cover", duration_ms: 366000, id: "6Hmj7SrLRbreLVfVS7mV1S",
    is_playing: true, progress_ms: 1000 } });
  add("currently-playing: track", await now(), ...playingChecks,
      ["SpotifyApi.TrackObjectFull", (b) => b.item],
      ["Sdk.SimplifiedArtist", (b) => b.item.artists[0]]);
  await control("user", { id: "demo-user", playing: {
    type: "track", name: "My Demo", artists: ["Me Myself"], album: "Old Tape", duration_ms: 185000,
    id: null, is_playing: false } });
  add("currently-playing: local file", await now(), "LocalPlaying");
  await control("user", { id: "demo-user", playing: {
    type: "episode", name: "Pilot", show: "The Show", duration_ms: 1800000,
    id: "4rOoJ6Egrf8K2IrywzwOMk" } });
  add("currently-playing: episode", await now("?additional_types=episode"), ...playingChecks,
      ["SpotifyApi.EpisodeObject", (b) => b.item],
      ["SpotifyApi.ShowObjectSimplified", (b) => b.item.show],
      ["Sdk.SimplifiedShow", (b) => b.item.show]);
  add("currently-playing: episode without additional_types", await now(), ...playingChecks);
  await control("user", { id: "demo-user", playing: { type: "ad" } });
  add("currently-playing: ad", await now(), ...playingChecks);
  await control("user", { id: "demo-user", playing: { type: "unknown" } });
  add("currently-playing: unknown", await now(), ...playingChecks);

  // Web API errors.
  const apiError = (name, body) => add(`error: ${name}`, body, "WebApiError");
  apiError("no token", await json("/v1/me", 401));
  apiError("invalid token", await json("/v1/me", 401, bearer({ access_token: "made-up" })));
  apiError("permissions missing (scope)",
           await json("/v1/me/player/currently-playing", 401, bearer(email)));
  apiError("permissions missing (client credentials)", await json("/v1/me", 401, bearer(app)));
  apiError("service not found", await json("/v1/me/playlists", 404, bearer(both)));
  apiError("method not allowed", await json("/v1/me", 405, { method: "POST", ...bearer(both) }));
  await control("fault", { path: "/v1/me", kind: "status", status: 503 });
  apiError("injected 503", await json("/v1/me", 503, bearer(both)));
  await control("expire-access-tokens", {});
  apiError("expired token", await json("/v1/me", 401, bearer(both)));

  // Accounts errors.
  const accountsError = (name, body) => add(`accounts error: ${name}`, body, "AccountsError");
  const unknown = form({ grant_type: "client_credentials" });
  unknown.headers.authorization = "Basic " + Buffer.from("nobody:x").toString("base64");
  accountsError("unknown client", await json("/api/token", 400, unknown));
  accountsError("invalid grant", await json("/api/token", 400, form({
    grant_type: "authorization_code", code: "made-up", redirect_uri: redirectUri })));
  accountsError("unsupported grant type",
                await json("/api/token", 400, form({ grant_type: "password" })));
  await control("fault", { path: "/api/token", kind: "status", status: 500 });
  accountsError("injected 500",
                await json("/api/token", 500, form({ grant_type: "client_credentials" })));
}

await collect();
let out = `// Generated by collect.mjs from a running stand-in; do not edit.\n`;
out += `import type { Open, Sdk, PublicUser, PrivateUser, LocalPlaying, WebApiError, AccountsError, AppToken } from "../types.js";\n`;
cases.forEach(({ name, body, checks }, i) => {
  out += `\n// ${name}\n`;
  checks.forEach(([type, part], j) => {
    const value = part(body);
    if (value === undefined) fail(`${name}: nothing to check against ${type}`);
    out += `export const case${i}_${j}: Open<${type}> = ${JSON.stringify(value, null, 2)};\n`;
  });
});
mkdirSync(new URL("generated/", import.meta.url), { recursive: true });
writeFileSync(new URL("generated/shapes.ts", import.meta.url), out);
console.log(`typecheck: collected ${cases.length} shapes, ` +
            `${cases.reduce((n, c) => n + c.checks.length, 0)} checks`);
