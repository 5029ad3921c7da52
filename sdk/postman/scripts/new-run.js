// First request of a run: fresh addresses for the accounts this run signs up, so the collection
// can run again against the same deployment (Postman keeps collection variables between runs).
const run = Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36);
pm.collectionVariables.set("runPassword", "QA-Run-Passphrase-" + run);
for (const [name, prefix] of [["wsEmail", "qa-ws"], ["wsNewEmail", "qa-ws-new"], ["pwNewEmail", "qa-pw-new"],
  ["rxEmail", "qa-rx"], ["rxNewEmail", "qa-rx-new"], ["rxWorkEmail", "qa-rx-work"], ["akNewEmail", "qa-ak-new"]]) {
  pm.collectionVariables.set(name, `${prefix}-${run}@example.com`);
}
