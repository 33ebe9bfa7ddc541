"""The gRPC service (worker.proto's Worker): runs calls, streams and cells on the main-thread executor.

Every RPC reaches it through auth.TokenInterceptor."""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import grpc

from .. import WORKER_VERSION
from ..proto import worker_pb2, worker_pb2_grpc
from ..runtime import allowlist
from ..runtime.calls import iterate, perform
from ..runtime.errors import CallCancelled, CallTimedOut, to_python_error
from ..runtime.executor import MainThreadExecutor, QueuedJob
from ..runtime.handles import HandleTable
from ..runtime.values import INT64_MAX, INT64_MIN, Decoder, Encoder
from ..sessions import MISSING, SESSIONS
from . import callbacks
from .event_channel import EventChannel
from .lane import Answers

_STREAM_BUFFER = 64
_RESULT_HANDLE = worker_pb2.ResultMode.RESULT_MODE_HANDLE
_CONSTRUCTOR = worker_pb2.CallKind.CALL_KIND_CONSTRUCTOR
_SCALAR_FIELDS = {int: "int_value", float: "float_value", str: "str_value", bool: "bool_value"}


def _rss_bytes() -> int:
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except Exception:  # noqa: BLE001 - psutil missing, or refused (/proc hidden): the peak below still answers
        import resource

        # ru_maxrss is a peak in KiB on Linux: better than nothing when psutil is missing.
        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


class WorkerService(worker_pb2_grpc.WorkerServicer):
    """Implements the Worker service of worker.proto."""

    def __init__(self, executor: MainThreadExecutor, handles: HandleTable) -> None:
        self._executor = executor
        self._handles = handles
        # Arguments are decoded by one Decoder: it holds nothing of a call's own.
        self._decoder = Decoder(handles)
        callbacks.bind_handles(handles)  # calls to the host encode their arguments with this worker's handles
        self._sessions = SESSIONS
        self._started = time.monotonic()

    # -- helpers -------------------------------------------------------------------------------

    def _watch(self, job: QueuedJob[Any], context: grpc.ServicerContext) -> None:
        """Cancels ``job`` when the RPC ends early (client cancel or deadline)."""

        def on_done() -> None:
            if job.future.done():
                return
            remaining = context.time_remaining()
            reason = CallTimedOut if remaining is not None and remaining <= 0 else CallCancelled
            self._executor.cancel(job.call_id, reason=reason)

        context.add_callback(on_done)

    def _encoder(self, request: worker_pb2.CallRequest) -> Encoder:
        return Encoder(self._handles, request.session_id, request.shm_threshold_bytes)

    def call_job(self, request: worker_pb2.CallRequest) -> Callable[[], worker_pb2.CallResponse]:
        """The job that performs ``request`` and encodes its outcome (user errors become error responses)."""

        def run() -> worker_pb2.CallResponse:
            response = worker_pb2.CallResponse()
            self._respond(request, response)
            return response

        return run

    def _respond(self, request: worker_pb2.CallRequest, response: worker_pb2.CallResponse) -> None:
        """Performs ``request`` and writes its outcome into the empty ``response`` (a user's error as an error).

        Raises only the call's interruption (CallCancelled, CallTimedOut), possibly with ``response`` half written.
        """
        started = time.perf_counter_ns()
        response.call_id = request.call_id
        try:
            if request.session_id:  # snakebridge_worker.state defaults to the call's session
                previous = callbacks.enter_session(request.session_id)
                try:
                    result = perform(request, self._handles, self._decoder)
                finally:
                    callbacks.enter_session(previous)
            else:
                result = perform(request, self._handles, self._decoder)
            field = _SCALAR_FIELDS.get(type(result))
            if field is not None and request.result_mode != _RESULT_HANDLE and (
                    field != "int_value" or INT64_MIN <= result <= INT64_MAX):
                # The common small result, written in place: building a Value and copying it in costs more.
                setattr(response.result, field, result)
            else:
                encoder = self._encoder(request)
                wants_handle = request.result_mode == _RESULT_HANDLE
                constructor = request.kind == _CONSTRUCTOR
                response.result.CopyFrom(
                    encoder.handle(result) if wants_handle or constructor else encoder.encode(result)
                )
        except (CallCancelled, CallTimedOut):
            raise
        except BaseException as exc:  # noqa: BLE001 - user errors become PythonError values
            response.error.CopyFrom(to_python_error(exc, skip_frames=2))
        response.duration_us = (time.perf_counter_ns() - started) // 1000

    def run_frame(self, requests: Sequence[worker_pb2.CallRequest], answers: Answers) -> None:
        """Runs a lane frame's calls now, in order, on the main thread (the lane's loop), answering each.

        An interrupted call is answered with its interruption; the calls after it still run.
        """
        call_ids = [request.call_id or self._fresh_call_id(request) for request in requests]

        def run(i: int) -> None:
            self._respond(requests[i], answers.add())

        def done(i: int, error: BaseException | None) -> None:
            if error is not None:
                answers.restart(call_ids[i]).error.CopyFrom(to_python_error(error))
            answers.ran()

        self._executor.run_each(call_ids, run, done)

    @staticmethod
    def _fresh_call_id(request: worker_pb2.CallRequest) -> str:
        request.call_id = uuid.uuid4().hex
        return request.call_id

    def cancel_call(self, call_id: str) -> None:
        """Interrupts a call (a CancelRequest that came on the lane)."""
        self._executor.cancel(call_id)

    @staticmethod
    def interrupted(request_id: str, exc: BaseException) -> worker_pb2.CallResponse:
        """The response for a call that was cancelled or timed out."""
        return worker_pb2.CallResponse(call_id=request_id, error=to_python_error(exc))

    # -- RPCs ----------------------------------------------------------------------------------

    def Call(self, request: worker_pb2.CallRequest, context: grpc.ServicerContext) -> worker_pb2.CallResponse:
        if not request.call_id:
            request.call_id = uuid.uuid4().hex
        job = self._executor.submit(request.call_id, self.call_job(request))
        self._watch(job, context)
        try:
            return job.future.result()
        except BaseException as exc:  # noqa: BLE001 - cancellation / timeout come back as values
            return self.interrupted(request.call_id, exc)

    def CallPipeline(self, request_iterator: Iterator[worker_pb2.CallRequest],
                     context: grpc.ServicerContext) -> Iterator[worker_pb2.CallResponse]:
        responses: queue.SimpleQueue[worker_pb2.CallResponse | None] = queue.SimpleQueue()
        pending: set[str] = set()
        lock = threading.Lock()
        reading_done = threading.Event()

        def finish(call_id: str, response: worker_pb2.CallResponse) -> None:
            responses.put(response)
            with lock:
                pending.discard(call_id)
                if reading_done.is_set() and not pending:
                    responses.put(None)

        def read() -> None:
            try:
                for request in request_iterator:
                    if not request.call_id:
                        request.call_id = uuid.uuid4().hex
                    with lock:
                        pending.add(request.call_id)
                    job = self._executor.submit(request.call_id, self.call_job(request))
                    call_id = request.call_id

                    def done(future: Any, call_id: str = call_id) -> None:
                        try:
                            response = future.result()
                        except BaseException as exc:  # noqa: BLE001
                            response = self.interrupted(call_id, exc)
                        finish(call_id, response)

                    job.future.add_done_callback(done)
            except grpc.RpcError:
                pass  # the client closed the stream; in-flight calls are cancelled below
            finally:
                with lock:
                    reading_done.set()
                    if not pending:
                        responses.put(None)

        def on_rpc_done() -> None:
            with lock:
                outstanding = list(pending)
            for call_id in outstanding:
                self._executor.cancel(call_id)
            responses.put(None)

        context.add_callback(on_rpc_done)
        threading.Thread(target=read, name="pipeline-reader", daemon=True).start()
        while True:
            response = responses.get()
            if response is None:
                return
            yield response

    def CallStream(self, request: worker_pb2.CallRequest,
                   context: grpc.ServicerContext) -> Iterator[worker_pb2.StreamEvent]:
        if not request.call_id:
            request.call_id = uuid.uuid4().hex
        channel: EventChannel[worker_pb2.StreamEvent] = EventChannel(_STREAM_BUFFER)
        # The RPC ended (the host stopped reading, cancelled, or went away): wake the producer at once.
        context.add_callback(channel.close)

        def run() -> None:
            encoder = self._encoder(request)
            iterator: Iterator[Any] | None = None
            try:
                iterator = iterate(perform(request, self._handles, self._decoder))
                while True:
                    try:
                        item = next(iterator)
                    except StopIteration as stop:
                        channel.put(worker_pb2.StreamEvent(done=encoder.encode(stop.value)))
                        break
                    channel.put(worker_pb2.StreamEvent(item=encoder.encode(item)))
            except (CallCancelled, CallTimedOut):
                channel.close(discard=True)  # the host interrupted it and needs neither the rest nor an error event
            except BaseException as exc:  # noqa: BLE001
                if not channel.closed:
                    with contextlib.suppress(CallCancelled):  # raised when nobody is listening any more
                        channel.put(worker_pb2.StreamEvent(error=to_python_error(exc, skip_frames=1)))
            finally:
                close = getattr(iterator, "close", None)
                if callable(close):
                    try:
                        close()
                    except Exception as exc:  # noqa: BLE001 - a generator's cleanup failed: tell the worker log
                        print(f"snakebridge: closing the stream of {request.target} failed: {exc!r}", file=sys.stderr)
                channel.close()

        job = self._executor.submit(request.call_id, run)
        self._watch(job, context)
        while True:
            event = channel.get()
            if event is None:
                return
            yield event

    def Eval(self, request: worker_pb2.EvalRequest, context: grpc.ServicerContext) -> Iterator[worker_pb2.EvalEvent]:
        call_id = request.call_id or uuid.uuid4().hex
        events: queue.SimpleQueue[worker_pb2.EvalEvent | None] = queue.SimpleQueue()
        session = self._sessions.get(request.session_id)

        def out(stream: worker_pb2.OutputStream) -> Callable[[str], None]:
            return lambda text: events.put(
                worker_pb2.EvalEvent(output=worker_pb2.OutputChunk(stream=stream, text=text))
            )

        def run() -> None:
            previous = callbacks.enter_session(request.session_id)
            try:
                if allowlist.POLICY is not None:
                    allowlist.POLICY.refuse_eval()
                value, count = session.run_cell(request.code, out(worker_pb2.OutputStream.OUTPUT_STREAM_STDOUT),
                                                out(worker_pb2.OutputStream.OUTPUT_STREAM_STDERR))
                result = worker_pb2.EvalResult(execution_count=count)
                if value is not MISSING:
                    encoder = Encoder(self._handles, request.session_id)
                    result.value.CopyFrom(encoder.encode(value))
                    result.repr = _display_repr(value)
                events.put(worker_pb2.EvalEvent(result=result))
            except BaseException as exc:  # noqa: BLE001
                events.put(worker_pb2.EvalEvent(error=to_python_error(exc, skip_frames=2)))
            finally:
                callbacks.enter_session(previous)
                events.put(None)

        job = self._executor.submit(call_id, run)
        self._watch(job, context)
        while True:
            event = events.get()
            if event is None:
                return
            yield event

    def Cancel(self, request: worker_pb2.CancelRequest, context: grpc.ServicerContext) -> worker_pb2.CancelResponse:
        return worker_pb2.CancelResponse(found=self._executor.cancel(request.call_id, graceful=request.graceful))

    def Release(self, request: worker_pb2.ReleaseRequest, context: grpc.ServicerContext) -> worker_pb2.ReleaseResponse:
        return worker_pb2.ReleaseResponse(released=self._handles.release(list(request.handle_ids)))

    def Health(self, request: worker_pb2.HealthRequest, context: grpc.ServicerContext) -> worker_pb2.HealthResponse:
        self._handles.expire()
        numpy = sys.modules.get("numpy")
        return worker_pb2.HealthResponse(
            pid=os.getpid(),
            python_version="{}.{}.{}".format(*sys.version_info[:3]),
            python_executable=sys.executable,
            worker_version=WORKER_VERSION,
            rss_bytes=_rss_bytes(),
            live_handles=len(self._handles),
            calls_total=self._executor.calls_total,
            uptime_s=time.monotonic() - self._started,
            numpy_version=getattr(numpy, "__version__", "") if numpy else _numpy_version(),
            busy=self._executor.busy,
        )

    def Describe(self, request: Any, context: grpc.ServicerContext) -> worker_pb2.DescribeResponse:
        def run() -> worker_pb2.DescribeResponse:
            from ..introspect import describe_library, library_to_proto

            library = describe_library(request.module, depth=request.depth, include_private=request.include_private)
            return worker_pb2.DescribeResponse(library=library_to_proto(library))

        job = self._executor.submit(uuid.uuid4().hex, run)
        self._watch(job, context)
        try:
            return job.future.result()
        except BaseException as exc:  # noqa: BLE001 - an undescribable module is an answer, not a crash
            return worker_pb2.DescribeResponse(error=to_python_error(exc))

    def Telemetry(self, request: worker_pb2.TelemetryRequest,
                  context: grpc.ServicerContext) -> Iterator[worker_pb2.TelemetrySample]:
        from ..process.telemetry import TelemetrySampler

        interval_ms = request.interval_ms or 1000
        interval_s = min(max(interval_ms, 100), 60_000) / 1000
        sampler = TelemetrySampler()
        try:
            while context.is_active():
                yield sampler.sample()
                time.sleep(interval_s)
        finally:
            sampler.close()


def _numpy_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("numpy")
    except PackageNotFoundError:
        return ""


def _display_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001 - a broken __repr__ is shown, not raised
        return f"<repr failed: {type(exc).__name__}: {exc}>"
    return text if len(text) <= 10_000 else text[:10_000] + "…"


__all__ = ["WorkerService"]
