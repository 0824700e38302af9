package io.marginflow.audit;

import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.Checkpoint;
import io.marginflow.serde.SpecificAvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The records of the checkpoints topic, decoded with each record's writer schema, and judged
 * against an audit's scope as chained outputs are ({@link JournalScope#judge}): a checkpoint
 * names the journal entry whose stream time crossed it ({@code untilOffset}).
 */
final class CheckpointRecords {

    private final SpecificAvroDeserializer<Checkpoint> reader;

    CheckpointRecords(SchemaRegistry registry) {
        this.reader = new SpecificAvroDeserializer<>(Checkpoint.class, registry);
    }

    void judge(ConsumerRecord<byte[], byte[]> record, JournalScope scope, JournalScope.Verdicts<Checkpoint> verdicts) {
        scope.judge(record, read -> reader.deserialize(read.topic(), read.headers(), read.value()),
                Checkpoint::getJournalPartition, Checkpoint::getUntilOffset, verdicts);
    }
}
