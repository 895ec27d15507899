// The catalogue lives with the wire protocol, where the widget and the console can read it too.
export * from "../../protocol/attachment-types.js";
