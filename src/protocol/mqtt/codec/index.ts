export { FrameSplitter, MqttFrameError, detectMqtt } from './frame-splitter.js';
