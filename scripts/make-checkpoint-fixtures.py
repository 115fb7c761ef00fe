#!/usr/bin/env python3
"""Writes the TensorFlow checkpoints Orrery's checkpoint tests read, with the real TensorFlow.

    python3 -m venv /tmp/venv-tf && /tmp/venv-tf/bin/pip install tensorflow-cpu tf-keras tensorboard
    /tmp/venv-tf/bin/python scripts/make-checkpoint-fixtures.py

Writes Tests/Fixtures/checkpoints/<fixture>/ and the study's log folder
Workflows/data/glove-logdir/. For every tensor a test compares, it also writes the values
TensorFlow itself reads back (`tf.train.load_checkpoint(prefix).get_tensor(name)`, cast to float32
— exact for float16/bfloat16, rounded for float64, as Orrery loads them) as `<file>.npy` next to the
checkpoint, and `tensors.tsv`: tensor name, dtype, shape, .npy file. The suite never needs TensorFlow.
Values come from fixed seeds, but TensorFlow's file layout may differ between versions: re-running
the script rewrites the fixtures and their references together.
"""
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# tf.keras as Keras 2 (the tf-keras package), whose models tf.train.Checkpoint saves under the
# object-graph names the Projector guide shows (model/layer_with_weights-0/embeddings/...).
# Keras 3 models are not tracked that way: their weights appear only under the optimizer.
os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "checkpoints")


def fresh(folder):
    path = os.path.join(OUT, folder)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def references(folder, prefix, names):
    """Writes what TensorFlow reads back for `names` as .npy files, and tensors.tsv (all tensors)."""
    reader = tf.train.load_checkpoint(prefix)
    shapes = reader.get_variable_to_shape_map()
    dtypes = reader.get_variable_to_dtype_map()
    lines = []
    for name in sorted(shapes):
        file = ""
        if name in names:
            file = names[name]
            np.save(os.path.join(folder, file), reader.get_tensor(name).astype(np.float32))
        shape = "x".join(str(d) for d in shapes[name])
        lines.append(f"{name}\t{dtypes[name].name}\t{shape}\t{file}\n")
    with open(os.path.join(folder, "tensors.tsv"), "w") as f:
        f.writelines(lines)


def keras_embedding():
    """A Keras model with an Embedding layer, trained one step with Adam (so the checkpoint also
    holds optimizer slots), saved with tf.train.Checkpoint(model=…, optimizer=…)."""
    folder = fresh("keras")
    tf.keras.utils.set_random_seed(1)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(3,), dtype="int32"),
        tf.keras.layers.Embedding(20, 4),
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dense(1),
    ])
    optimizer = tf.keras.optimizers.Adam(0.01)
    x = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int32)
    y = np.array([[1.0], [0.0]], dtype=np.float32)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x) - y) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    prefix = tf.train.Checkpoint(model=model, optimizer=optimizer).save(os.path.join(folder, "ckpt"))
    names = [n for n, _ in tf.train.list_variables(prefix)]
    embedding = [n for n in names if "embeddings" in n and "OPTIMIZER" not in n and "optimizer" not in n]
    assert len(embedding) == 1, names
    references(folder, prefix, {embedding[0]: "embeddings.npy"})


def tf1_word_embedding():
    """The guide's TF1 way: a variable named word_embedding saved by tf.compat.v1.train.Saver,
    after one Adam step (so word_embedding/Adam and word_embedding/Adam_1 slots exist)."""
    folder = fresh("tf1")
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.set_random_seed(2)
        v = tf.compat.v1.get_variable("word_embedding", shape=[12, 5],
                                      initializer=tf.compat.v1.random_normal_initializer(seed=2))
        loss = tf.reduce_sum(tf.square(v))
        step = tf.compat.v1.train.AdamOptimizer(0.1).minimize(loss)
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session(graph=graph) as s:
            s.run(tf.compat.v1.global_variables_initializer())
            s.run(step)
            prefix = saver.save(s, os.path.join(folder, "model.ckpt"), global_step=1)
    references(folder, prefix, {"word_embedding": "word_embedding.npy"})


def mixed_dtypes():
    """Several variables of other dtypes and ranks (tf.train.Checkpoint, TF2 object names)."""
    folder = fresh("mixed")
    rng = np.random.default_rng(3)
    ckpt = tf.train.Checkpoint(
        vectors64=tf.Variable(rng.normal(size=(6, 3)), dtype=tf.float64),
        half=tf.Variable(rng.normal(size=(7, 4)).astype(np.float16)),
        brain=tf.Variable(tf.cast(rng.normal(size=(5, 3)), tf.bfloat16)),
        bias=tf.Variable(rng.normal(size=(3,)).astype(np.float32)),
        cube=tf.Variable(rng.normal(size=(2, 3, 4)).astype(np.float32)),
        counts=tf.Variable(rng.integers(0, 9, size=(4, 2)).astype(np.int32)),
    )
    prefix = ckpt.save(os.path.join(folder, "ckpt"))
    attr = "/.ATTRIBUTES/VARIABLE_VALUE"
    references(folder, prefix, {"vectors64" + attr: "vectors64.npy", "half" + attr: "half.npy",
                                "brain" + attr: "brain.npy"})


def sharded():
    """One checkpoint in several data files (MaxShardSizePolicy: at most 256 bytes a shard)."""
    folder = fresh("sharded")
    rng = np.random.default_rng(4)
    ckpt = tf.train.Checkpoint(
        first=tf.Variable(rng.normal(size=(10, 4)).astype(np.float32)),
        second=tf.Variable(rng.normal(size=(9, 6)).astype(np.float32)),
    )
    policy = tf.train.experimental.MaxShardSizePolicy(max_shard_size=256)
    options = tf.train.CheckpointOptions(experimental_sharding_callback=policy)
    prefix = ckpt.save(os.path.join(folder, "ckpt"), options=options)
    shards = [f for f in os.listdir(folder) if ".data-" in f]
    assert len(shards) > 1, shards
    attr = "/.ATTRIBUTES/VARIABLE_VALUE"
    references(folder, prefix, {"first" + attr: "first.npy", "second" + attr: "second.npy"})


def projector_logdir(folder, vectors, words, name):
    """The embedding projector guide's log folder: a checkpoint of one variable, metadata.tsv, and
    projector_config.pbtxt naming the tensor (no tensor_path, no model_checkpoint_path: the
    Projector takes the latest checkpoint of the folder, from its `checkpoint` file)."""
    from tensorboard.plugins import projector

    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "metadata.tsv"), "w") as f:
        for w in words:
            f.write(w + "\n")
    weights = tf.Variable(vectors, name=name)
    checkpoint = tf.train.Checkpoint(embedding=weights)
    prefix = checkpoint.save(os.path.join(folder, "embedding.ckpt"))
    config = projector.ProjectorConfig()
    embedding = config.embeddings.add()
    embedding.tensor_name = "embedding/.ATTRIBUTES/VARIABLE_VALUE"
    embedding.metadata_path = "metadata.tsv"
    projector.visualize_embeddings(folder, config)
    return prefix


def logdirs():
    rng = np.random.default_rng(5)
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    folder = os.path.join(OUT, "logdir")
    prefix = projector_logdir(folder, rng.normal(size=(len(words), 6)).astype(np.float32), words, "word_embedding")
    references(folder, prefix, {"embedding/.ATTRIBUTES/VARIABLE_VALUE": "embedding.npy"})
    # The study's log folder: the 1,000 most frequent GloVe 6B 50d words (Workflows/data), as a
    # variable a model would have learnt, saved the guide's way.
    data = os.path.join(ROOT, "Workflows", "data")
    glove = np.load(os.path.join(data, "glove.6B.50d.top50k.npy"))[:1000]
    with open(os.path.join(data, "glove.6B.50d.top50k.words.tsv")) as f:
        top = [line.rstrip("\n") for line in f][:1000]
    projector_logdir(os.path.join(data, "glove-logdir"), glove, top, "word_embedding")


if __name__ == "__main__":
    print("TensorFlow", tf.__version__, file=sys.stderr)
    keras_embedding()
    tf1_word_embedding()
    mixed_dtypes()
    sharded()
    logdirs()
    for folder, _, files in sorted(os.walk(OUT)):
        for f in sorted(files):
            print(os.path.relpath(os.path.join(folder, f), ROOT), os.path.getsize(os.path.join(folder, f)))
