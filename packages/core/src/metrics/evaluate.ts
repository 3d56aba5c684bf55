export interface EvalMetrics { top1: number }
