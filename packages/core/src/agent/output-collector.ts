import { StringDecoder } from "node:string_decoder";
import { SecretMasker } from "./secret-masker.js";

export type StreamName = "stdout" | "stderr";

export interface OutputCollectorOptions {
  /** Cap on stdout plus stderr, in bytes. */
  maxBytes: number;
  secrets: Iterable<string>;
  /** Receives masked text as it becomes available (live streaming). */
  onText?: (stream: StreamName, text: string) => void;
  /** Called once, when the cap is reached: the caller stops the program. */
  onLimit?: () => void;
}

/**
 * Turns raw output chunks into masked text under a byte cap. Past the cap nothing more is kept, so a program that
 * floods output costs bounded memory however much it writes.
 */
export class OutputCollector {
  private readonly options: OutputCollectorOptions;
  private readonly decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
  private readonly maskers: Record<StreamName, SecretMasker>;
  private readonly text: Record<StreamName, string[]> = { stdout: [], stderr: [] };
  private bytes = 0;
  truncated = false;

  constructor(options: OutputCollectorOptions) {
    this.options = options;
    const secrets = [...options.secrets];
    this.maskers = { stdout: new SecretMasker(secrets), stderr: new SecretMasker(secrets) };
  }

  push(stream: StreamName, chunk: Buffer): void {
    if (this.truncated) return;
    const room = this.options.maxBytes - this.bytes;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.bytes += kept.length;
    this.emit(stream, this.maskers[stream].push(this.decoders[stream].write(kept)));
    if (chunk.length > room) {
      this.truncated = true;
      this.options.onLimit?.();
    }
  }

  /** What was collected so far, without text held back as a possible secret prefix. */
  snapshot(): { stdout: string; stderr: string } {
    return { stdout: this.text.stdout.join(""), stderr: this.text.stderr.join("") };
  }

  /**
   * Flushes held-back text and returns everything collected. After truncation, text held back as a possible
   * secret prefix is dropped: the rest of the secret was cut off by the cap, so releasing it would leak the prefix.
   */
  finish(): { stdout: string; stderr: string } {
    for (const stream of ["stdout", "stderr"] as const) {
      const decided = this.maskers[stream].push(this.decoders[stream].end());
      this.emit(stream, this.truncated ? decided : decided + this.maskers[stream].flush());
    }
    return { stdout: this.text.stdout.join(""), stderr: this.text.stderr.join("") };
  }

  private emit(stream: StreamName, text: string): void {
    if (text === "") return;
    this.text[stream].push(text);
    this.options.onText?.(stream, text);
  }
}
