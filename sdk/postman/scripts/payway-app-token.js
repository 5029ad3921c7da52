// Payway's accounts operations need an application token (grant_type=none) of the seeded client.
pm.sendRequest({
  url: pm.variables.get("baseUrl") + "/api/authorization/access_token",
  method: "POST",
  header: { "Content-Type": "application/x-www-form-urlencoded" },
  body: { mode: "urlencoded", urlencoded: [
    { key: "grant_type", value: "none" },
    { key: "client_id", value: pm.variables.get("clientId") },
    { key: "client_secret", value: pm.variables.get("clientSecret") },
    { key: "scope", value: "/external/account/r /external/account/w" },
  ] },
}, (err, res) => {
  if (err || res.code !== 200) throw new Error("Payway application token: " + (err || res.code + " " + res.text()));
  pm.collectionVariables.set("pwAppToken", res.json().access_token);
});
