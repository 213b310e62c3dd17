/**
 * A progress line for long runs, on stderr: count, rate, ETA. On a terminal it redraws one line
 * (at most every 100 ms); elsewhere (CI logs, pipes) it prints a plain line every 10% or so.
 */
export class ProgressBar {
  private readonly startMs = Date.now();
  private lastDrawMs = 0;
  private lastDecile = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly write: (text: string) => void,
    private readonly isTty: boolean,
    private readonly unit = "items",
  ) {}

  /** Report `done` of `total` finished; `skipped` of them were already there (a resume). */
  update(done: number, skipped = 0): void {
    const now = Date.now();
    const finished = done >= this.total;
    if (this.isTty) {
      if (!finished && now - this.lastDrawMs < 100) return;
      this.lastDrawMs = now;
      this.write(`\r${this.line(done, skipped, now)}\x1b[K${finished ? "\n" : ""}`);
      return;
    }
    const decile = Math.floor((10 * done) / Math.max(1, this.total));
    if (decile === this.lastDecile && !finished) return;
    this.lastDecile = decile;
    this.write(`${this.line(done, skipped, now)}\n`);
  }

  private line(done: number, skipped: number, now: number): string {
    const width = 24;
    const share = this.total === 0 ? 1 : done / this.total;
    const filled = Math.round(share * width);
    const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
    const seconds = (now - this.startMs) / 1000;
    const made = done - skipped;
    const rate = seconds > 0 ? made / seconds : 0;
    const eta = rate > 0 ? (this.total - done) / rate : NaN;
    const etaText = Number.isFinite(eta) ? ` ETA ${formatSeconds(eta)}` : "";
    const skippedText = skipped > 0 ? ` (${skipped} already done)` : "";
    return `${this.label} [${bar}] ${done}/${this.total}${skippedText} ${rate.toFixed(1)} ${this.unit}/s${etaText}`;
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.ceil(s % 60)).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
