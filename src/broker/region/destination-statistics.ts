/**
 * The counters ActiveMQ's DestinationStatistics keeps for a destination, read by the management views
 * (QueueViewMBean's EnqueueCount, DispatchCount, AverageEnqueueTime, AverageMessageSize, …). Plain numbers
 * updated in place: nothing is allocated per message.
 */
export class DestinationStatistics {
  enqueues = 0;
  dequeues = 0;
  dispatched = 0;
  expired = 0;
  /** ActiveMQ's processTime: how long consumed messages waited, from arrival at the broker to their ack. */
  enqueueTimeTotal = 0;
  enqueueTimeMin = 0;
  enqueueTimeMax = 0;
  /** ActiveMQ's messageSize: sizes of enqueued messages (here the heap cost TideMQ counts, Message.size). */
  sizeTotal = 0;
  sizeMin = 0;
  sizeMax = 0;

  enqueued(size: number): void {
    if (this.enqueues === 0 || size < this.sizeMin) this.sizeMin = size;
    if (size > this.sizeMax) this.sizeMax = size;
    this.enqueues++;
    this.sizeTotal += size;
  }

  /** A message left the destination consumed; `waited` is now minus its brokerInTime. */
  dequeued(waited: number): void {
    const t = waited < 0 ? 0 : waited;
    if (this.dequeues === 0 || t < this.enqueueTimeMin) this.enqueueTimeMin = t;
    if (t > this.enqueueTimeMax) this.enqueueTimeMax = t;
    this.dequeues++;
    this.enqueueTimeTotal += t;
  }

  get averageEnqueueTime(): number {
    return this.dequeues === 0 ? 0 : this.enqueueTimeTotal / this.dequeues;
  }

  get averageMessageSize(): number {
    return this.enqueues === 0 ? 0 : this.sizeTotal / this.enqueues;
  }

  /** BrokerView.resetStatistics / QueueView.resetStatistics: counters start over (sizes and counts alike). */
  reset(): void {
    this.enqueues = this.dequeues = this.dispatched = this.expired = 0;
    this.enqueueTimeTotal = this.enqueueTimeMin = this.enqueueTimeMax = 0;
    this.sizeTotal = this.sizeMin = this.sizeMax = 0;
  }
}
