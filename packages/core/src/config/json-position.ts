/**
 * Where a JSON text stops being valid, as 1-based line and column. V8 leaves the position out of some of its
 * messages ("Unexpected token '}', … is not valid JSON"), so this walks the grammar itself; call it only after
 * JSON.parse has failed.
 */
export function jsonErrorLocation(text: string): { line: number; column: number } {
  const lines = text.slice(0, firstErrorOffset(text)).split("\n");
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

function firstErrorOffset(text: string): number {
  let at = 0;

  const space = () => {
    while (at < text.length && " \t\n\r".includes(text.charAt(at))) at++;
  };

  const matches = (pattern: RegExp): boolean => {
    pattern.lastIndex = at;
    if (!pattern.test(text)) return false;
    at = pattern.lastIndex;
    return true;
  };

  const string = (): boolean => {
    if (text[at] !== '"') return false;
    at++;
    while (at < text.length) {
      const char = text.charAt(at);
      if (char === '"') {
        at++;
        return true;
      }
      if (char < " ") return false;
      if (char === "\\") {
        if (!matches(/\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y)) return false;
      } else {
        at++;
      }
    }
    return false;
  };

  const sequence = (close: string, item: () => boolean): boolean => {
    at++;
    space();
    if (text[at] === close) {
      at++;
      return true;
    }
    for (;;) {
      if (!item()) return false;
      space();
      if (text[at] === close) {
        at++;
        return true;
      }
      if (text[at] !== ",") return false;
      at++;
      space();
    }
  };

  const member = (): boolean => {
    if (!string()) return false;
    space();
    if (text[at] !== ":") return false;
    at++;
    return value();
  };

  const value = (): boolean => {
    space();
    const char = text[at];
    if (char === "{") return sequence("}", member);
    if (char === "[") return sequence("]", value);
    if (char === '"') return string();
    return matches(/true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y);
  };

  if (value()) space();
  return at;
}
