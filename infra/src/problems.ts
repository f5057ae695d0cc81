/** One finding of a static check: the file (relative to the repository root) and what is wrong. */
export interface Problem {
  file: string;
  message: string;
}

export function problem(file: string, message: string): Problem {
  return { file, message };
}
