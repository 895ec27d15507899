/** The code a refusal carries ("none" when the promise fulfils). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "none";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}
