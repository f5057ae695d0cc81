import { describe, expect, it } from "vitest";
import { type GrpcUnderTest, json, useGrpcCentral } from "./harness.ts";

let t: GrpcUnderTest;
useGrpcCentral((started) => {
  t = started;
});

function nextRequest(method: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const listener = (name: string, request: Record<string, unknown>) => {
      if (name !== method) return;
      t.orders.events.off("call", listener);
      resolve(request);
    };
    t.orders.events.on("call", listener);
  });
}

const echo = (body: unknown) =>
  t.call("POST", "/api/orders/v1/echo", { body: typeof body === "string" ? body : JSON.stringify(body) });

async function roundTrip(body: unknown): Promise<unknown> {
  const response = await echo(body);
  expect(response.status).toBe(200);
  return json(response);
}

describe("proto3 JSON mapping, request and response (Echo returns what the service decoded)", () => {
  it("scalars: int64/uint64 as strings (numbers and strings accepted), floats, bools, bytes", async () => {
    const seen = nextRequest("Echo");
    // Written as text: 9007199254740993 is beyond 2^53, a JS number cannot hold it; central keeps it exact.
    const out = await roundTrip(
      `{"i64": 9007199254740993, ${JSON.stringify({
        text: "héllo",
        i32: "-7",
        u64: "18446744073709551615",
        s64: "-9223372036854775808",
        f64: 5,
        u32: 4294967295,
        dbl: "NaN",
        flt: "-Infinity",
        flag: true,
        data: "-_8",
      }).slice(1)}`,
    );
    expect(await seen).toMatchObject({ i64: "9007199254740993", u64: "18446744073709551615", data: "+/8=" });
    expect(out).toEqual({
      text: "héllo",
      i32: -7,
      i64: "9007199254740993",
      u64: "18446744073709551615",
      s64: "-9223372036854775808",
      f64: "5",
      u32: 4294967295,
      dbl: "NaN",
      flt: "-Infinity",
      flag: true,
      data: "+/8=",
    });
  });

  it("enums by name or number, repeated fields, maps with int keys, nested messages", async () => {
    const out = await roundTrip({
      color: 2,
      colors: ["RED", 2],
      tags: ["a", "b"],
      numbers: ["1", 2],
      counts: { x: "10" },
      byId: { "7": { label: "seven", amount: 7 } },
      nested: { label: "n", child: { amount: "3" } },
      nestedList: [{ label: "first" }, {}],
    });
    expect(out).toEqual({
      color: "GREEN",
      colors: ["RED", "GREEN"],
      tags: ["a", "b"],
      numbers: ["1", "2"],
      counts: { x: "10" },
      byId: { "7": { label: "seven", amount: "7" } },
      nested: { label: "n", child: { amount: "3" } },
      nestedList: [{ label: "first" }, {}],
    });
  });

  it("original field names and json_name are accepted; json_name is emitted", async () => {
    expect(await roundTrip({ by_id: { "1": {} }, nested_list: [{ label: "x" }], customName: "c" })).toEqual({
      byId: { "1": {} },
      nestedList: [{ label: "x" }],
      customName: "c",
    });
    expect(await roundTrip({ renamed: "by proto name" })).toEqual({ customName: "by proto name" });
  });

  it("default values are omitted", async () => {
    expect(
      await roundTrip({ text: "", i64: "0", flag: false, color: "COLOR_UNSPECIFIED", tags: [] }),
    ).toEqual({});
  });

  it("oneof: one member set, in any of its forms", async () => {
    expect(await roundTrip({ choiceNested: { label: "in oneof" } })).toEqual({
      choiceNested: { label: "in oneof" },
    });
    expect(await roundTrip({ choice_number: 0 })).toEqual({ choiceNumber: 0 });
  });

  it("Timestamp and Duration", async () => {
    expect(await roundTrip({ ts: "2024-02-29T23:59:59.5+01:00", dur: "-1.000000001s" })).toEqual({
      ts: "2024-02-29T22:59:59.500Z",
      dur: "-1.000000001s",
    });
  });

  it("FieldMask", async () => {
    const seen = nextRequest("Echo");
    expect(await roundTrip({ mask: "nested.childLabel,byId" })).toEqual({ mask: "nested.childLabel,byId" });
    expect((await seen).mask).toEqual({ paths: ["nested.child_label", "by_id"] });
  });

  it("wrappers: the wrapped value, including a set default", async () => {
    expect(
      await roundTrip({
        wI32: 0,
        wI64: "-5",
        wU32: 1,
        wU64: 2,
        wBool: false,
        wStr: "",
        wBytes: "AQI=",
        wDbl: 1.5,
        wFlt: "Infinity",
      }),
    ).toEqual({
      wI32: 0,
      wI64: "-5",
      wU32: 1,
      wU64: "2",
      wBool: false,
      wStr: "",
      wBytes: "AQI=",
      wDbl: 1.5,
      wFlt: "Infinity",
    });
  });

  it("Struct, Value and ListValue", async () => {
    const st = { a: 1, b: [true, null, "x", { c: 2.5 }] };
    expect(await roundTrip({ st, val: { nested: [1] }, list: [1, "two", null] })).toEqual({
      st,
      val: { nested: [1] },
      list: [1, "two", null],
    });
    expect(await roundTrip({ val: null })).toEqual({ val: null });
  });

  it("Any with a type from the loaded protos (and a well-known type inside)", async () => {
    const any = { "@type": "type.googleapis.com/orders.v1.Nested", label: "packed", amount: "9" };
    const wkt = { "@type": "type.googleapis.com/google.protobuf.Duration", value: "2s" };
    expect(await roundTrip({ any })).toEqual({ any });
    expect(await roundTrip({ any: wkt })).toEqual({ any: wkt });
  });

  it("Empty", async () => {
    expect(await roundTrip({ empty: {} })).toEqual({ empty: {} });
  });

  it("well-known types and scalars from the query string (GET binding)", async () => {
    const seen = nextRequest("Echo");
    const response = await t.call(
      "GET",
      "/api/orders/v1/echo?i64=-12&u64=18446744073709551615&flag=true&color=RED&colors=1&colors=GREEN" +
        "&ts=2024-01-01T00:00:00Z&dur=1.5s&mask=a.b,cD&wI32=3&wBool=false&wStr=s&nested.child.label=deep" +
        "&data=AQI%3D&dbl=Infinity&val=text&customName=q",
    );
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      i64: "-12",
      u64: "18446744073709551615",
      flag: true,
      color: "RED",
      colors: ["RED", "GREEN"],
      ts: "2024-01-01T00:00:00Z",
      dur: "1.500s",
      mask: "a.b,cD",
      wI32: 3,
      wBool: false,
      wStr: "s",
      nested: { child: { label: "deep" } },
      data: "AQI=",
      dbl: "Infinity",
      val: "text",
      customName: "q",
    });
    expect((await seen).mask).toEqual({ paths: ["a.b", "c_d"] });
  });
});

describe("bad input is a 400 naming the field, and the service is not called", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["wrong type", { i32: "abc" }, /invalid request body field "i32"/],
    ["nested wrong type", { nested: { child: { amount: "1.5" } } }, /field "nested\.child\.amount"/],
    ["repeated element", { nestedList: [{}, { amount: true }] }, /field "nestedList\[1\]\.amount"/],
    ["map value", { byId: { "3": { label: 5 } } }, /field "byId\["3"\]\.label"/],
    ["unknown field", { nested: { nope: 1 } }, /field "nested\.nope": unknown field/],
    ["unknown enum name", { colors: ["RED", "PURPLE"] }, /field "colors\[1\]": unknown enum value: "PURPLE"/],
    ["two oneof members", { choiceText: "a", choiceNumber: 1 }, /multiple values for oneof choice/],
    ["bad timestamp", { ts: "yesterday" }, /field "ts"/],
    ["int64 out of range", { i64: "9223372036854775808" }, /field "i64"/],
    ["Any of an unknown type", { any: { "@type": "type.googleapis.com/x.Nope" } }, /field "any"/],
    [
      "a prototype key",
      JSON.parse('{"nested": {"__proto__": {"label": "x"}}}'),
      /field "nested\.__proto__": unknown field/,
    ],
    ["constructor", { constructor: 1 }, /field "constructor": unknown field/],
  ];
  it.each(cases)("%s", async (_name, body, message) => {
    let called = false;
    const listener = () => {
      called = true;
    };
    t.orders.events.on("call", listener);
    const response = await echo(body);
    t.orders.events.off("call", listener);
    expect(response.status).toBe(400);
    const error = ((await json(response)) as { error: { code: string; message: string; requestId: string } })
      .error;
    expect(error.code).toBe("bad_request");
    expect(error.message).toMatch(message);
    expect(error.requestId).toMatch(/.+/);
    expect(called).toBe(false);
  });

  it("a body that is not JSON, not an object, or not application/json", async () => {
    const notJson = await t.call("POST", "/api/orders/v1/echo", { body: "{nope" });
    expect(notJson.status).toBe(400);
    expect(await json(notJson)).toMatchObject({
      error: { message: expect.stringMatching(/not valid JSON/) },
    });
    expect((await t.call("POST", "/api/orders/v1/echo", { body: "[1]" })).status).toBe(400);
    const text = await t.call("POST", "/api/orders/v1/echo", {
      body: "{}",
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(415);
  });

  it("query parameters: unknown, wrong type, a message, a map, a non-repeated field twice", async () => {
    const expectations: Array<[string, RegExp]> = [
      ["nope=1", /unknown query parameter "nope"/],
      ["i32=x", /invalid query parameter field "i32"/],
      ["flag=maybe", /"flag": expected true or false/],
      ["nested=x", /"nested" is a message/],
      ["counts.a=1", /"counts" is a map field/],
      ["text=a&text=b", /"text" is not repeated but is given 2 times/],
      ["color=PURPLE", /unknown enum value/],
      ["constructor=1", /unknown query parameter "constructor"/],
      ["__proto__.x=1", /unknown query parameter "__proto__\.x"/],
      ["nested.toString=1", /unknown query parameter "nested\.toString"/],
    ];
    for (const [query, message] of expectations) {
      const response = await t.call("GET", `/api/orders/v1/echo?${query}`);
      expect(response.status, query).toBe(400);
      expect(((await json(response)) as { error: { message: string } }).error.message, query).toMatch(
        message,
      );
    }
  });
});

describe("precedence: a path-bound field is never overwritten", () => {
  it("the body repeating the path value is fine; a different value is a 400", async () => {
    const same = await t.call("POST", "/api/orders/v1/orders/o-2:cancel", {
      body: JSON.stringify({ id: "o-2" }),
    });
    expect(same.status).toBe(400); // the service refuses: o-2 is shipped (FAILED_PRECONDITION → 400)
    expect(await json(same)).toMatchObject({ code: 9 });
    const conflict = await t.call("POST", "/api/orders/v1/orders/o-1:cancel", {
      body: JSON.stringify({ id: "o-2" }),
    });
    expect(conflict.status).toBe(400);
    expect(await json(conflict)).toMatchObject({
      error: {
        code: "bad_request",
        message: 'field "id" is bound by the path to "o-1" but the body sets "o-2"',
      },
    });
  });

  it("a query parameter naming a path-bound field with another value is a 400", async () => {
    const conflict = await t.call("GET", "/api/orders/v1/orders/o-1?id=o-2");
    expect(conflict.status).toBe(400);
    expect(await json(conflict)).toMatchObject({
      error: { message: 'field "id" is bound by the path to "o-1" but the query sets "o-2"' },
    });
    const nested = await t.call("GET", "/api/orders/v1/customers/c-1/orders/o-1?customer.id=c-2");
    expect(nested.status).toBe(400);
    expect(((await json(nested)) as { error: { message: string } }).error.message).toMatch(/"customer\.id"/);
  });

  it("a path value that is the field's default still wins: a query setting it otherwise is a 400", async () => {
    const conflict = await t.call("GET", "/api/orders/v1/fail/0?code=5");
    expect(conflict.status).toBe(400);
    expect(await json(conflict)).toMatchObject({
      error: { message: 'field "code" is bound by the path to "0" but the query sets 5' },
    });
  });

  it("a nested path field inside the body field: the body's differing value is a 400", async () => {
    const conflict = await t.call("PATCH", "/api/orders/v1/orders/o-2", {
      body: JSON.stringify({ id: "o-1" }),
    });
    expect(conflict.status).toBe(400);
    expect(((await json(conflict)) as { error: { message: string } }).error.message).toMatch(
      /field "order\.id" is bound by the path to "o-2" but the body sets "o-1"/,
    );
  });

  it('query parameters may not set fields of the body (body "field") or anything (body "*")', async () => {
    const intoBody = await t.call("POST", "/api/orders/v1/orders?order.id=x", { body: "{}" });
    expect(intoBody.status).toBe(400);
    const withStar = await t.call("POST", "/api/orders/v1/echo?text=x", { body: "{}" });
    expect(withStar.status).toBe(400);
    expect(((await json(withStar)) as { error: { message: string } }).error.message).toMatch(
      /body carries every field/,
    );
  });
});
