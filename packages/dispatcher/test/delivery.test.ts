import { memoryQueue } from '../src/index.js'
import { deliverySuite } from './helpers/delivery-suite.js'

deliverySuite('memory', () => memoryQueue())
