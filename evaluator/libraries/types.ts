/** A named factor of a built-in library, written in the factor language. */
export interface NamedFactor {
  readonly name: string;
  readonly expression: string;
}
