export { openQueueConnection, startQueueWorker, QUEUE_NAME, type JobData, type QueueConnection, type QueueStatus, type QueueWorker } from './job-queue.js';
export { checkQueueUrl, pingQueue, redactIn, redactQueueUrl, reconnectDelayMs } from './redis-connection.js';
