/** Thrown for any invalid configuration; `message` is `issues` joined by newlines. */
export class ConfigError extends Error {
  readonly issues: string[];

  constructor(issues: string[]) {
    super(issues.join("\n"));
    this.name = "ConfigError";
    this.issues = issues;
  }
}
