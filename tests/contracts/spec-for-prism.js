// spec-for-prism.js SPEC OUT PATH...: writes the OpenAPI document SPEC (YAML or JSON) as
// JSON to OUT, with only the operations under PATH... and in the form Prism can check:
//  - other paths go, webhooks too, and the components only they use: Mistral's whole spec
//    does not load (an audio operation points into a $defs that does not resolve), and the
//    others load in a fraction of the time;
//  - "nullable" goes where no "type" stands beside it (OpenAI's chat request has two). It
//    has no effect there in OpenAPI 3.0.3 and is no keyword at all in 3.1, but ajv refuses
//    to compile such a schema, and Prism then checks nothing of the body.
'use strict';
const fs = require('fs');
const yaml = require('js-yaml');

const [spec, out, ...paths] = process.argv.slice(2);
if (!spec || !out || paths.length === 0) {
  console.error('usage: spec-for-prism.js SPEC OUT PATH...');
  process.exit(2);
}
const doc = yaml.safeLoad(fs.readFileSync(spec, 'utf8'));
const kept = {};
for (const path of paths) {
  if (!doc.paths || !doc.paths[path]) {
    console.error(`spec-for-prism.js: ${spec} has no path ${path}`);
    process.exit(1);
  }
  kept[path] = doc.paths[path];
}
doc.paths = kept;
delete doc.webhooks;

// Only the components those operations reach: Prism loads the rest too, which takes most of
// its start-up time with OpenAI's and Anthropic's specs.
const reached = new Set();
function reachRef(ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#/components/')) return;
  const [type, name] = ref.slice('#/components/'.length).split('/');
  const key = `${type}/${name}`;
  if (reached.has(key)) return;
  reached.add(key);
  reach(doc.components && doc.components[type] && doc.components[type][name]);
}
function reach(node) {
  if (Array.isArray(node)) {
    node.forEach(reach);
  } else if (node !== null && typeof node === 'object') {
    reachRef(node.$ref);
    // A discriminator's mapping names schemas too.
    if (node.mapping !== null && typeof node.mapping === 'object') {
      Object.values(node.mapping).forEach(reachRef);
    }
    Object.values(node).forEach(reach);
  }
}
reach(Object.entries(doc).filter(([key]) => key !== 'components'));
for (const [type, members] of Object.entries(doc.components || {})) {
  if (type === 'securitySchemes') continue; // named by "security", not by $ref
  for (const name of Object.keys(members)) {
    if (!reached.has(`${type}/${name}`)) delete members[name];
  }
}

(function dropUntypedNullable(node) {
  if (Array.isArray(node)) {
    node.forEach(dropUntypedNullable);
  } else if (node !== null && typeof node === 'object') {
    if ('nullable' in node && !('type' in node)) delete node.nullable;
    Object.values(node).forEach(dropUntypedNullable);
  }
})(doc);
fs.writeFileSync(out, JSON.stringify(doc));
