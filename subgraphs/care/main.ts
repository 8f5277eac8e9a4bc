import "reflect-metadata";
import { runUnit } from "../../kit";
import { unit } from "./unit";

runUnit(unit);
