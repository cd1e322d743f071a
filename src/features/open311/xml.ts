// The XML forms of GeoReport v2: plain elements, arrays as repeated child elements, nothing else.
export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [k: string]: XmlValue };

const escape = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!)
  // Characters XML 1.0 cannot carry at all.
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** Which element name each item of a list gets, by the list's element name. */
const ITEM: Record<string, string> = {
  services: 'service', service_requests: 'request', attributes: 'attribute', values: 'value', endpoints: 'endpoint', formats: 'format',
  errors: 'error', keywords: 'keyword',
};

function element(name: string, value: XmlValue): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = ITEM[name] ?? 'item';
    return `<${name}>${value.map((v) => element(item, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => element(k, v)).join('')}</${name}>`;
  return `<${name}>${escape(String(value))}</${name}>`;
}

export function toXml(root: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}\n`;
}
