/**
 * A raw OpenWire producer for tests that need frames no well-behaved client writes (malformed property blocks,
 * compressed bodies that lie about their size): it negotiates, opens a connection, a session and a producer
 * with the project's codec, then sends Message commands exactly as given and reports the broker's answer.
 */
import { connect, type Socket } from 'node:net';
import {
  OpenWireFormat,
  T,
  type ActiveMQDestination,
  type Command,
  type Message,
  type ProducerId,
} from '../../src/protocol/openwire/codec/index.js';

export interface SendAnswer {
  /** `null` for a Response; the Java class and message of the ExceptionResponse otherwise. */
  readonly exception: { className: string | null; message: string | null } | null;
}

export class RawProducer {
  readonly commands: Command[] = [];
  closed = false;
  /** With `open(port, { reconnecting: true })`: the answer to the send replayed with the connection's state. */
  replayedAnswer: SendAnswer | null = null;
  private readonly format = new OpenWireFormat();
  private nextCommandId = 1;
  private sequence = 0;
  private readonly connectionId: string;
  private readonly producerId: ProducerId;

  private constructor(private readonly socket: Socket) {
    this.connectionId = `ID:raw-producer-${process.pid}-${Math.random().toString(36).slice(2)}:1`;
    this.producerId = { type: T.PRODUCER_ID, connectionId: this.connectionId, sessionId: 1, value: 1 };
    socket.on('data', (chunk) =>
      this.format.feed(chunk, (cmd) => {
        if (cmd.type === T.WIREFORMAT_INFO) this.format.negotiate(cmd);
        this.commands.push(cmd);
      }),
    );
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  /**
   * With `reconnecting`, the connection opens as the failover transport's reconnect does
   * (FailoverTransport.restoreTransport): ConnectionControl(faultTolerant), ConnectionInfo, SessionInfo,
   * ProducerInfo and an unanswered send (to `failover.replayed`), written at once without waiting for answers.
   * `preamble` commands go first, one-way.
   */
  static async open(port: number, o: { reconnecting?: boolean; preamble?: Command[] } = {}): Promise<RawProducer> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    const p = new RawProducer(socket);
    socket.write(new OpenWireFormat().encode(p.format.preferredWireFormatInfo()));
    // Commands are encoded with the negotiated settings, so the broker's WireFormatInfo comes first.
    const deadline = Date.now() + 5000;
    while (!p.commands.some((c) => c.type === T.WIREFORMAT_INFO)) {
      if (p.closed || Date.now() > deadline) throw new Error('no WireFormatInfo from the broker');
      await new Promise((r) => setTimeout(r, 5));
    }
    const setup: Command[] = [
      {
        type: T.CONNECTION_INFO,
        commandId: 0,
        responseRequired: true,
        connectionId: { type: T.CONNECTION_ID, value: p.connectionId },
        // ActiveMQ refuses a connection without one (InvalidClientIDException).
        clientId: `raw-producer-${p.connectionId}`,
        password: null,
        userName: null,
        brokerPath: null,
        brokerMasterConnector: false,
        manageable: false,
        clientMaster: true,
        faultTolerant: false,
        failoverReconnect: false,
        clientIp: null,
      },
      {
        type: T.SESSION_INFO,
        commandId: 0,
        responseRequired: true,
        sessionId: { type: T.SESSION_ID, connectionId: p.connectionId, value: 1 },
      },
      {
        type: T.PRODUCER_INFO,
        commandId: 0,
        responseRequired: true,
        producerId: p.producerId,
        destination: null,
        brokerPath: null,
        dispatchAsync: false,
        windowSize: 0,
      },
    ];
    const steps: SendAnswer[] = [];
    // `preamble`: one-way commands written before the ConnectionInfo, as a peer broker's bridge writes some.
    for (const cmd of o.preamble ?? [])
      p.socket.write(p.format.encode({ ...cmd, commandId: p.nextCommandId++ } as Command));
    if (o.reconnecting === true) {
      // FailoverTransport.restoreTransport: ConnectionControl(faultTolerant), then the tracked state and the
      // unanswered send, all written without waiting for any answer.
      const control: Command = {
        type: T.CONNECTION_CONTROL,
        commandId: 0,
        responseRequired: false,
        close: false,
        exit: false,
        faultTolerant: true,
        resume: false,
        suspend: false,
        connectedBrokers: null,
        reconnectTo: null,
        rebalanceConnection: false,
        token: null,
      };
      const answers = await p.requestAll([control, ...setup, p.message('failover.replayed')]);
      p.replayedAnswer = answers.pop() ?? null;
      steps.push(...answers);
    } else {
      for (const cmd of setup) steps.push(await p.request(cmd));
    }
    const refused = steps.find((s) => s.exception !== null);
    if (refused !== undefined) throw new Error(`the broker refused the producer: ${refused.exception?.message}`);
    return p;
  }

  /** A persistent message to `queue` with the given body and property bytes, ready to be altered. */
  message(queue: string, fields: Partial<Message> = {}): Message {
    const destination: ActiveMQDestination = { type: T.ACTIVEMQ_QUEUE, physicalName: queue };
    return {
      type: T.ACTIVEMQ_BYTES_MESSAGE,
      commandId: 0,
      responseRequired: true,
      producerId: this.producerId,
      destination,
      transactionId: null,
      originalDestination: null,
      messageId: {
        type: T.MESSAGE_ID,
        textView: null,
        producerId: this.producerId,
        producerSequenceId: ++this.sequence,
        brokerSequenceId: 0,
      },
      originalTransactionId: null,
      groupID: null,
      groupSequence: 0,
      correlationId: null,
      persistent: true,
      expiration: 0,
      priority: 4,
      replyTo: null,
      timestamp: Date.now(),
      jmsType: null,
      content: null,
      marshalledProperties: null,
      dataStructure: null,
      targetConsumerId: null,
      compressed: false,
      redeliveryCounter: 0,
      brokerPath: null,
      arrival: 0,
      userID: null,
      recievedByDFBridge: false,
      droppable: false,
      cluster: null,
      brokerInTime: 0,
      brokerOutTime: 0,
      jmsxGroupFirstForConsumer: false,
      ...fields,
    };
  }

  /** Sends `message` synchronously (responseRequired) and resolves with the broker's answer. */
  async send(message: Message): Promise<SendAnswer> {
    const answer = await this.request({ ...message, responseRequired: true });
    return answer;
  }

  private async request(cmd: Command): Promise<SendAnswer> {
    const commandId = this.nextCommandId++;
    const frame = { ...cmd, commandId, responseRequired: true } as Command;
    this.socket.write(this.format.encode(frame));
    return this.answerTo(commandId);
  }

  /**
   * Writes every command in one write (pipelined, as a reconnect replays its state) and resolves with the
   * answers of those that require one, in order.
   */
  private async requestAll(cmds: Command[]): Promise<SendAnswer[]> {
    const frames: Uint8Array[] = [];
    const waiting: number[] = [];
    for (const cmd of cmds) {
      const commandId = this.nextCommandId++;
      if ('responseRequired' in cmd && cmd.responseRequired) waiting.push(commandId);
      frames.push(this.format.encode({ ...cmd, commandId } as Command));
    }
    this.socket.write(Buffer.concat(frames));
    const answers: SendAnswer[] = [];
    for (const id of waiting) answers.push(await this.answerTo(id));
    return answers;
  }

  private async answerTo(commandId: number): Promise<SendAnswer> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const reply = this.commands.find(
        (c) =>
          (c.type === T.RESPONSE || c.type === T.EXCEPTION_RESPONSE) &&
          (c as { correlationId: number }).correlationId === commandId,
      );
      if (reply !== undefined) {
        if (reply.type === T.EXCEPTION_RESPONSE) {
          const e = (reply as { exception: { className: string | null; message: string | null } | null }).exception;
          return { exception: { className: e?.className ?? null, message: e?.message ?? null } };
        }
        return { exception: null };
      }
      if (this.closed) throw new Error(`connection closed before command ${commandId} was answered`);
      if (Date.now() > deadline) throw new Error(`no answer to command ${commandId}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
