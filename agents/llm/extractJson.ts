/**
 * Finds the JSON value in a model's reply. Models wrap JSON in prose and
 * ``` fences and leave trailing commas, so extraction is tolerant; whether the
 * value is acceptable is decided afterwards, strictly, by a zod schema.
 */

export type Extraction = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly detail: string };

/** Bracketed spans tried per region before giving up (bounds work on adversarial text). */
const MAX_SPANS_PER_REGION = 32;

/**
 * The first JSON object or array that parses, looking first inside fenced code
 * blocks, then in the whole text. Trailing commas before `}` or `]` are forgiven.
 */
export function extractJson(text: string): Extraction {
  let firstError: string | null = null;
  for (const region of [...fencedBlocks(text), text]) {
    let from = 0;
    for (let tries = 0; tries < MAX_SPANS_PER_REGION; tries++) {
      const start = nextOpening(region, from);
      if (start === -1) break;
      const end = matchingClose(region, start);
      if (end === MISMATCHED) {
        from = start + 1; // e.g. "[see note}" in prose: look further
        continue;
      }
      if (end === UNCLOSED) {
        firstError ??= `${region[start]} at character ${start} is never closed (reply cut off?)`;
        break;
      }
      const span = region.slice(start, end + 1);
      const parsed = parseLenient(span);
      if (parsed.ok) return parsed;
      firstError ??= parsed.detail;
      from = end + 1; // a malformed outer value is not rescued by a fragment inside it
    }
  }
  return { ok: false, detail: firstError === null ? 'no JSON object or array in the reply' : `malformed JSON: ${firstError}` };
}

function fencedBlocks(text: string): string[] {
  const blocks: string[] = [];
  for (const m of text.matchAll(/```[A-Za-z0-9_-]*[^\S\n]*\n?([\s\S]*?)```/g)) blocks.push(m[1]!);
  return blocks;
}

function nextOpening(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (text[i] === '{' || text[i] === '[') return i;
  return -1;
}

const UNCLOSED = -1;
const MISMATCHED = -2;

/** Index of the bracket closing the one at `start`, skipping string contents; or UNCLOSED / MISMATCHED. */
function matchingClose(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') stack.push('}');
    else if (c === '[') stack.push(']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return MISMATCHED;
      if (stack.length === 0) return i;
    }
  }
  return UNCLOSED;
}

function parseLenient(span: string): Extraction {
  try {
    return { ok: true, value: JSON.parse(span) };
  } catch (err) {
    try {
      return { ok: true, value: JSON.parse(withoutTrailingCommas(span)) };
    } catch {
      return { ok: false, detail: (err as Error).message };
    }
  }
}

/** Drops commas that directly precede a closing bracket, outside strings. */
function withoutTrailingCommas(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += json[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === ',') {
      let j = i + 1;
      while (j < json.length && /\s/.test(json[j]!)) j++;
      if (json[j] === '}' || json[j] === ']') continue;
    }
    out += c;
  }
  return out;
}
