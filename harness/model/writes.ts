// What became of one write. `in-doubt`: the client cannot know whether it committed
// (timeout, connection lost after sending); never counted as lost, always reported.
export const OUTCOMES = ['pending', 'acked', 'failed', 'in-doubt'] as const;
export type Outcome = (typeof OUTCOMES)[number];
