/** C×C confusion matrix (rows = true class, columns = predicted class) as a flat row-major Int32Array. */
export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): Int32Array {
  if (labels.length !== predictions.length) {
    throw new RangeError(`labels (${labels.length}) and predictions (${predictions.length}) differ in length`);
  }
  const matrix = new Int32Array(numClasses * numClasses);
  for (let i = 0; i < labels.length; i++) matrix[labels[i] * numClasses + predictions[i]]++;
  return matrix;
}

/** Accuracy of each class from a confusion matrix (NaN for a class with no samples). */
export function perClassAccuracy(confusion: Int32Array, numClasses: number): number[] {
  const accuracy: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    let total = 0;
    for (let p = 0; p < numClasses; p++) total += confusion[c * numClasses + p];
    accuracy.push(total === 0 ? Number.NaN : confusion[c * numClasses + c] / total);
  }
  return accuracy;
}
