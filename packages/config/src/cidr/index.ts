export { type Cidr, type CidrParse, formatCidr, parseCidr } from "./cidr.ts";
export { createIpMatcher, type IpMatcher } from "./matcher.ts";
export { type IpAddress, parseIp, parseIpv4, parseIpv6 } from "./parse-ip.ts";
