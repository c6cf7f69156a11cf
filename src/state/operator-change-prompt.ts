/**
 * Flows (the runner's device and the recorder) must tell the "ask before operator changes"
 * question apart from other local confirmations; the prompts carry no kind, so it is known
 * by the title PromptsState.askOperatorChange gives it. One place for that title.
 */

/** The title of PromptsState.askOperatorChange's question (keep the two equal). */
export const OPERATOR_CHANGE_TITLE = 'Allow this change?';

/** True for the handset's "Allow this change?" question (a local confirmation's request). */
export function isOperatorChangeQuestion(request: { title: string }): boolean {
  return request.title === OPERATOR_CHANGE_TITLE;
}
