/** Caps caller-supplied text so one long value cannot push a row past Table Storage's limits. */
export function clip(text: string, max = 1024): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
