import VectorIO
