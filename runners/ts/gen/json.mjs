// JSON text for the vector files and for the generator's child processes.
//
// JSON.stringify, except that a BigInt is written as the exact JSON number it
// holds. A case whose input must carry a number that a JavaScript number cannot
// hold (above 2^53-1, such as 9007199254740993) spells it as a BigInt; JSON.parse
// in a reader (or in upstream's process) then sees the number exactly as a JSON
// parser of that language would. For every value without a BigInt the text is
// byte for byte what JSON.stringify writes.
const MARK = '\u0000\u0001bigint:';
const MARKED = /"\\u0000\\u0001bigint:(-?[0-9]+)"/g;

export function stringify(value, indent) {
  const text = JSON.stringify(value, (key, v) => {
    if (key.includes(MARK) || (typeof v === 'string' && v.includes(MARK))) {
      throw new Error('json.stringify: a string holds the BigInt marker');
    }
    return typeof v === 'bigint' ? `${MARK}${v.toString(10)}` : v;
  }, indent);
  return text === undefined ? text : text.replace(MARKED, '$1');
}

// asJs is what a JavaScript program holds after JSON.parse of stringify(v):
// every BigInt becomes the nearest double.
export function asJs(v) {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(asJs);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asJs(x)]));
  return v;
}
