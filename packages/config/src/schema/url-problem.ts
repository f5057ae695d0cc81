const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

/** Loopback: localhost, *.localhost, 127.0.0.0/8, [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || host.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(host);
}

/** WHATWG parsing silently drops tabs/newlines and encodes spaces; a configured URL must not rely on that. */
function parseUrl(text: string): URL | undefined {
  if (hasWhitespaceOrControl(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function hasWhitespaceOrControl(text: string): boolean {
  return (
    /\s/.test(text) || [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)
  );
}

export function upstreamUrlProblem(text: string): string | undefined {
  const url = parseUrl(text);
  const isHttp = url?.protocol === "http:" || url?.protocol === "https:";
  if (!url || !isHttp || url.hostname === "" || text.includes("?") || text.includes("#")) {
    return "must be an http(s) URL without query or fragment";
  }
  if (url.username !== "" || url.password !== "") {
    return "must not contain credentials (secrets come from the environment)";
  }
  return undefined;
}

export function jwksUrlProblem(text: string): string | undefined {
  const url = parseUrl(text);
  const allowed = url?.protocol === "https:" || (url?.protocol === "http:" && isLoopbackHost(url.hostname));
  if (!url || !allowed || url.hostname === "") {
    return "must be an https URL (http is allowed only for loopback hosts)";
  }
  if (url.username !== "" || url.password !== "") {
    return "must not contain credentials (secrets come from the environment)";
  }
  return undefined;
}
