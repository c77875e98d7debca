/** What a masked secret becomes in output. */
export const SECRET_MASK = "***";

/**
 * Masks secret values in a stream of text chunks, even when a value is split across chunks: the longest tail of the
 * text seen so far that could still grow into a secret is held back until the next chunk (or `flush`).
 */
export class SecretMasker {
  private readonly secrets: string[];
  private pending = "";

  constructor(values: Iterable<string>) {
    // Longest first, so a secret that contains another is masked whole.
    this.secrets = [...new Set(values)]
      .filter((value) => value.length > 0)
      .sort((a, b) => b.length - a.length);
  }

  /** Masks what can be decided now and returns it; keeps a possibly partial secret for later. */
  push(chunk: string): string {
    if (this.secrets.length === 0) return chunk;
    const text = this.mask(this.pending + chunk);
    const keep = this.partialSuffixLength(text);
    this.pending = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /** Returns whatever was held back; the stream has ended. */
  flush(): string {
    const rest = this.mask(this.pending);
    this.pending = "";
    return rest;
  }

  private mask(text: string): string {
    let masked = text;
    for (const secret of this.secrets) masked = masked.split(secret).join(SECRET_MASK);
    return masked;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some secret. */
  private partialSuffixLength(text: string): number {
    let longest = 0;
    for (const secret of this.secrets) {
      const max = Math.min(secret.length - 1, text.length);
      for (let length = max; length > longest; length--) {
        if (text.endsWith(secret.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
