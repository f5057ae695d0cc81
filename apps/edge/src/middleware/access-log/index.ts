export { consoleLogSink, createAccessLog, type EdgeAccessLogEntry, type EdgeLogSink } from "./access-log.ts";
