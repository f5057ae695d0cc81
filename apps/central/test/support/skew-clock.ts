// Preloaded with `node --import` into a central replica to give it a skewed
// wall clock (SKEW_MS, may be negative), as on a host whose NTP drifted.
const skewMs = Number(process.env.SKEW_MS ?? "0");
const realNow = Date.now.bind(Date);
Date.now = () => realNow() + skewMs;
