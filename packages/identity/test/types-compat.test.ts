// The package defines its own copies of the identity types so it installs without the
// workspace; this file fails `tsc` if they drift from @gateway/types in either direction.
import type * as Shared from "@gateway/types";
import {
  IDENTITY_HEADER as SHARED_IDENTITY_HEADER,
  REQUEST_ID_HEADER as SHARED_REQUEST_ID,
} from "@gateway/types";
import { expect, it } from "vitest";
import type * as Own from "../src/types.ts";
import { IDENTITY_HEADER, REQUEST_ID_HEADER } from "../src/types.ts";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const checks: [
  Same<Own.Identity, Shared.Identity>,
  Same<Own.IdentityClaims, Shared.IdentityClaims>,
  Same<Own.ForwardedProto, Shared.ForwardedProto>,
  Same<Own.AuthMethod, Shared.AuthMethod>,
] = [true, true, true, true];

it("matches @gateway/types: types (checked by tsc) and header names", () => {
  expect(checks).toEqual([true, true, true, true]);
  expect(IDENTITY_HEADER).toBe(SHARED_IDENTITY_HEADER);
  expect(REQUEST_ID_HEADER).toBe(SHARED_REQUEST_ID);
});
