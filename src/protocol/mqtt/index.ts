export { mqttProtocol } from './mqtt-module.js';
export { MqttConnection } from './connection.js';
export { mqttSettings, MQTT_DEFAULTS, type MqttSettings } from './settings.js';
export { mqttToActiveMQ, activeMQToMqtt, validateTopicFilter, validateTopicName } from './topics.js';
export * from './codec/index.js';
