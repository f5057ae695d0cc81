export type ConfigPath = ReadonlyArray<string | number>;

/** One problem found in a config document, before it is rendered as a line of text. */
export interface ConfigIssue {
  /** Where in the document (empty for the document itself); absent for YAML syntax errors. */
  path?: ConfigPath;
  /** 1-based position in the YAML text, when known. */
  position?: { line: number; col: number };
  message: string;
}

/** `routes[2].upstream.urls[0]`; `<root>` for the document itself. */
export function formatConfigPath(path: ConfigPath): string {
  if (path.length === 0) return "<root>";
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) text += text === "" ? part : `.${part}`;
    else text += `[${JSON.stringify(part)}]`;
  }
  return text;
}

/** The one-line form used by parseConfig / validateConfig: `path: message` or `line:col: message`. */
export function formatIssue(issue: ConfigIssue): string {
  if (issue.path) return `${formatConfigPath(issue.path)}: ${issue.message}`;
  if (issue.position) return `${issue.position.line}:${issue.position.col}: ${issue.message}`;
  return issue.message;
}

/** The file form used by loadConfigFile and the CLI: `file:line:col: path: message`. */
export function formatFileIssue(file: string, issue: ConfigIssue): string {
  const where = issue.position ? `${file}:${issue.position.line}:${issue.position.col}` : file;
  return issue.path
    ? `${where}: ${formatConfigPath(issue.path)}: ${issue.message}`
    : `${where}: ${issue.message}`;
}
