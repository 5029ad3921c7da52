// Spectral function of the rule accountd-tags-are-vendors (.spectral.yaml): every top-level tag
// is the one tag of at least one operation. With spectral:oas's operation-tag-defined (every
// operation's tag is declared), the declared tags are exactly the vendors that answer
// operations, read from the document itself, so a new vendor needs no list here.
const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export default function tagsNameOperations(doc) {
  const used = new Set();
  for (const item of Object.values(doc?.paths ?? {})) {
    for (const method of methods) {
      for (const tag of item?.[method]?.tags ?? []) {
        used.add(tag);
      }
    }
  }
  return (doc?.tags ?? []).flatMap((tag, i) =>
    used.has(tag?.name)
      ? []
      : [{ message: `Tag "${tag?.name}" is the tag of no operation: every top-level tag is a vendor, named by its operations.`, path: ["tags", i, "name"] }],
  );
}
