/**
 * What a Jazzer.js target throws when an input broke a property: libFuzzer sees it as a
 * crash and keeps the input. Any other exception of a target is a bug of qfc's (runInput
 * turns the harness's own failures into `error` verdicts, so none should reach libFuzzer).
 */
export class PropertyBroken extends Error {
  override readonly name = 'PropertyBroken';
}
