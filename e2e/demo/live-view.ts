// Shows the latest frame of the progress tree: on a terminal it redraws the tree in place when it changes; elsewhere
// (a log, a pipe, CI) it prints only the lines that are new or changed, each with the elapsed time.

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Lines to print when a frame replaces the previous one and the output is not a terminal. */
export function changedLines(previous: readonly string[], next: readonly string[]): string[] {
  const before = new Set(previous);
  return next.filter((line) => !before.has(line));
}

function stripGuides(line: string): string {
  return line.replace(/^[│├└─ ]+/, '');
}

function elapsedLabel(elapsedMs: number): string {
  return `[${String(Math.round(elapsedMs / 1000)).padStart(4)}s]`;
}

export class LiveView {
  private frame: string[] = [];
  private drawnLines = 0;

  constructor(private readonly output: Output) {}

  show(lines: readonly string[], elapsedMs: number): void {
    if (lines.length === this.frame.length && lines.every((line, index) => line === this.frame[index])) return;
    if (this.output.isTTY) this.redraw(lines);
    else {
      const label = elapsedLabel(elapsedMs);
      for (const line of changedLines(this.frame.map(stripGuides), lines.map(stripGuides))) this.output.write(`${label} ${line}\n`);
    }
    this.frame = [...lines];
  }

  /** Leaves the last frame on screen; what is written next goes below it. */
  finish(): void {
    this.drawnLines = 0;
    this.frame = [];
  }

  private redraw(lines: readonly string[]): void {
    // Lines longer than the terminal would wrap and break the cursor arithmetic.
    // A pseudo-terminal without a size reports 0 columns.
    const columns = this.output.columns && this.output.columns > 0 ? this.output.columns : 120;
    const width = Math.max(20, columns - 1);
    const fitted = lines.map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line));
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F` : '';
    this.output.write(`${up}\x1b[J${fitted.join('\n')}\n`);
    this.drawnLines = fitted.length;
  }
}
